package org.mcpfront.supervisor;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Start failures of one route's backend. After a failure, new sessions wait out a back-off that
 * doubles with each consecutive failure (1 s up to 1 min), so a broken command or a missing image is
 * not restarted in a tight loop; a session that got as far as talking resets it.
 */
final class RouteHealth {

    private static final long FIRST_BACKOFF_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 60_000;

    private int consecutiveFailures;
    private long retryAtNanos;
    private String lastFailure;
    private Instant lastFailureAt;

    void failed(String reason, long nowNanos) {
        consecutiveFailures++;
        lastFailure = reason;
        lastFailureAt = Instant.now();
        long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(consecutiveFailures - 1, 16));
        retryAtNanos = nowNanos + backoff * 1_000_000;
    }

    void started() {
        consecutiveFailures = 0;
        retryAtNanos = 0;
    }

    /** Milliseconds until a new session may be tried, 0 when it may be tried now. */
    long waitMillis(long nowNanos) {
        return consecutiveFailures == 0 ? 0 : Math.max(0, (retryAtNanos - nowNanos) / 1_000_000);
    }

    String lastFailure() {
        return lastFailure;
    }

    JsonObject toJson(long nowNanos) {
        JsonObject json = new JsonObject().put("consecutive_start_failures", consecutiveFailures);
        if (lastFailure != null) {
            json.put("last_start_failure", lastFailure).put("last_start_failure_at", lastFailureAt.toString());
        }
        long wait = waitMillis(nowNanos);
        if (wait > 0) {
            json.put("retry_in_ms", wait);
        }
        return json;
    }
}
