package org.mcpfront.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A route's start back-off")
class RouteHealthTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    @DisplayName("doubles with each failure in a row from 1 s, up to a minute, and resets once a session talks")
    void backOff() {
        RouteHealth health = new RouteHealth();
        long now = 1_000 * SECOND;
        assertThat(health.waitMillis(now)).isZero();
        long[] expected = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
        for (long wait : expected) {
            health.failed("exited with code 1", now);
            assertThat(health.waitMillis(now)).isEqualTo(wait);
        }
        assertThat(health.waitMillis(now + 59 * SECOND)).isEqualTo(1_000);
        assertThat(health.waitMillis(now + 60 * SECOND)).isZero();
        health.started();
        assertThat(health.waitMillis(now)).isZero();
        health.failed("again", now);
        assertThat(health.waitMillis(now)).as("the count starts over").isEqualTo(1_000);
    }

    @Test
    @DisplayName("reports its state for readiness: failures in a row, the last reason and when to retry")
    void status() {
        RouteHealth health = new RouteHealth();
        assertThat(health.toJson(0)).isEqualTo(new JsonObject().put("consecutive_start_failures", 0));
        health.failed("command not found", 0);
        JsonObject json = health.toJson(0);
        assertThat(json.getInteger("consecutive_start_failures")).isEqualTo(1);
        assertThat(json.getString("last_start_failure")).isEqualTo("command not found");
        assertThat(json.getString("last_start_failure_at")).isNotBlank();
        assertThat(json.getLong("retry_in_ms")).isEqualTo(1_000);
        assertThat(health.lastFailure()).isEqualTo("command not found");
    }
}
