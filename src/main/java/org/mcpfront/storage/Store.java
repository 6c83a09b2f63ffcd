package org.mcpfront.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Where the authorization server keeps its state (clients, codes, refresh tokens, sign-in state):
 * small JSON records under string keys, each with a lifetime after which it is gone. Memory for one
 * process, Redis for a cluster; both pass the same contract tests.
 *
 * <p>Callers hash secrets before they become keys or values: a store never sees a usable token.
 * A store may refuse a write that would grow it past its bound with {@link StoreFullException}.
 *
 * <p>Besides records, a store keeps short lists of text (the recent events of a client stream, for
 * resuming it): appended at the end, trimmed at the front, expiring as a whole.
 *
 * <p>And it keeps bounded sets of leases (the sessions one user holds on a route, cluster-wide): each
 * lease expires by itself unless renewed, so that the leases of an instance that died run out.
 */
public interface Store {

    /** Stores {@code value} under {@code key} for {@code ttl}, replacing what was there. */
    Future<Void> put(String key, JsonObject value, Duration ttl);

    /** Stores only if {@code key} holds nothing; true when this call stored it. */
    Future<Boolean> putIfAbsent(String key, JsonObject value, Duration ttl);

    /** The value under {@code key}, or null when absent or expired. */
    Future<JsonObject> get(String key);

    /**
     * Reads and removes in one step, so that exactly one caller gets the value: what single-use
     * authorization codes need. Null when absent or expired.
     */
    Future<JsonObject> take(String key);

    /**
     * Adds one to the counter under {@code key} and returns the new count. A counter that does not exist
     * (or has expired) starts at 1 and lives for {@code window} from then; counting does not extend it.
     * Counters live under their own keys: {@link #get} does not read them.
     */
    Future<Long> increment(String key, Duration window);

    /**
     * Appends {@code value} to the list under {@code key} (creating it), drops its oldest values so that
     * at most {@code keepLast} remain, and gives the whole list {@code ttl} to live from now. Lists live
     * under their own keys: {@link #get} does not read them, {@link #delete} removes them.
     */
    Future<Void> append(String key, String value, int keepLast, Duration ttl);

    /**
     * The values of the list under {@code key}, oldest first, from position {@code from} (0: the oldest kept); empty
     * when absent.
     */
    Future<List<String>> range(String key, int from);

    /**
     * Holds the lease {@code member} in the set under {@code key} for {@code ttl} from now, if the set holds it
     * already (a renewal) or holds fewer than {@code max} unexpired leases; true when held, false when the set is
     * full. Atomic: two callers never both take the last free place. Sets live under their own keys.
     */
    Future<Boolean> lease(String key, String member, int max, Duration ttl);

    /** Gives up the lease {@code member} in the set under {@code key}; releasing nothing is not an error. */
    Future<Void> release(String key, String member);

    /** Removes {@code key}; removing nothing is not an error. */
    Future<Void> delete(String key);

    /** Succeeds when the store can serve requests (readiness). */
    Future<Void> ping();

    /** Releases connections and timers. */
    Future<Void> close();
}
