package org.mcpfront.session;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delays between attempts to reach a backend that went away: 100 ms, doubling to 5 s, each jittered
 * (half of it fixed, half random) so that the many sessions of one restarting backend do not knock at once.
 */
final class Backoff {

    static final long FIRST_MS = 100;
    static final long MAX_MS = 5_000;

    private long next = FIRST_MS;

    /** The delay before the next attempt; each call doubles the one after, up to {@link #MAX_MS}. */
    long next() {
        long delay = next;
        next = Math.min(MAX_MS, next * 2);
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    void reset() {
        next = FIRST_MS;
    }

    /**
     * Whether {@code failure} says no connection could be made (refused, no route, unknown host, connect
     * timeout): nothing was sent, so the message may wait for the backend; any other failure may have
     * reached it.
     */
    static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
