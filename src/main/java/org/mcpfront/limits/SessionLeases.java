package org.mcpfront.limits;

import io.vertx.core.Future;
import java.time.Duration;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.storage.Store;

/**
 * The sessions one user holds on a route, counted in the store (memory for one instance, Redis for a cluster,
 * where every instance counts against the same set): a session takes a lease when it starts, renews it while it
 * lives and gives it up when it ends. A lease runs out {@link #LEASE} after its last renewal, so the sessions of an
 * instance that died stop counting within that time; a session adopted from it keeps its id, and with it its
 * lease if that is still held.
 */
public final class SessionLeases {

    /** How long a lease holds without renewal: the longest a dead instance's sessions still count. */
    public static final Duration LEASE = Duration.ofSeconds(30);
    /** How often the holder renews; a third of the lease leaves two renewals' room for a slow store. */
    public static final Duration RENEW_EVERY = LEASE.dividedBy(3);

    private final Store store;

    public SessionLeases(Store store) {
        this.store = store;
    }

    /**
     * Takes a place for session {@code sessionId} of the user with token subject {@code subject} on route
     * {@code path}, if the user holds fewer than {@code max} there (or this session holds one already); true when
     * taken.
     */
    public Future<Boolean> reserve(String path, String subject, String sessionId, int max) {
        return store.lease(key(path, subject), sessionId, max, LEASE);
    }

    /** Renews the place of a session that lives (retaken if it ran out meanwhile, whatever the limit). */
    public Future<Boolean> renew(String path, String subject, String sessionId) {
        return store.lease(key(path, subject), sessionId, Integer.MAX_VALUE, LEASE);
    }

    /** Gives up the place of a session that ended. */
    public Future<Void> release(String path, String subject, String sessionId) {
        return store.release(key(path, subject), sessionId);
    }

    /** The subject goes into the key hashed, as the rate limits' do. */
    private static String key(String path, String subject) {
        return "sessions:" + path + ":user:" + Secrets.hash(subject);
    }
}
