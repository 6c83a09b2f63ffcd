package org.mcpfront.limits;

import io.netty.util.NetUtil;
import io.vertx.core.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Arrays;
import org.mcpfront.config.RateLimit;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.storage.Store;

/**
 * Counts what clients do in fixed windows, in the store: memory for one instance, Redis for a cluster,
 * where every instance counts against the same numbers. Windows start at multiples of their length on
 * the wall clock, so instances agree on them.
 */
public final class RateLimiter {

    /**
     * Whether to go ahead; when not, how many seconds until the window ends, and whether this is the
     * window's first refusal (worth one log line; a flood is not worth one per request).
     */
    public record Verdict(boolean allowed, long retryAfterSeconds, boolean firstRefusal) {}

    private static final Verdict ALLOWED = new Verdict(true, 0, false);

    private final Store store;
    private final Clock clock;

    public RateLimiter(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Counts one event of {@code what} by client {@code address} against {@code limit}. */
    public Future<Verdict> perAddress(String what, InetAddress address, RateLimit limit) {
        return count(what + ":" + key(address), limit);
    }

    /**
     * Counts one event of {@code what} by the user with token subject {@code subject} against {@code limit};
     * the subject goes into the key hashed.
     */
    public Future<Verdict> perUser(String what, String subject, RateLimit limit) {
        return count(what + ":user:" + Secrets.hash(subject), limit);
    }

    /** Counts one event of {@code what} by anyone against {@code limit}. */
    public Future<Verdict> overall(String what, RateLimit limit) {
        return count(what + ":all", limit);
    }

    private Future<Verdict> count(String subject, RateLimit limit) {
        long windowMillis = limit.window().toMillis();
        long now = clock.millis();
        long window = now / windowMillis;
        return store.increment("rate:" + subject + ":" + window, limit.window())
                .map(count -> count <= limit.count()
                        ? ALLOWED
                        : new Verdict(
                                false, ((window + 1) * windowMillis - now + 999) / 1000, count == limit.count() + 1));
    }

    /**
     * The address as counted: IPv4 whole, IPv6 by its /64, the block one subscriber usually gets (every
     * address in it is theirs to use).
     */
    public static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            return NetUtil.bytesToIpAddress(prefix) + "/64";
        }
        return address.getHostAddress();
    }
}
