package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.HttpTestServer;
import org.mcpfront.testing.NodeScript;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.TestTokens;

/**
 * The short form of the 1,000-session benchmark ({@code bench/run-sessions.sh}): 1,000 sessions held at once
 * on one instance, half Streamable HTTP with the GET stream open and half legacy SSE, each calling a tool
 * every few seconds; every call is answered.
 */
@DisplayName("1,000 concurrent sessions")
@Timeout(180)
class ManySessionsIT {

    private static final int SESSIONS = 1_000;

    private FrontHarness front;
    private HttpTestServer backend;

    @AfterEach
    void stop() {
        Closeables.closeAll(front, backend);
    }

    @Test
    @DisplayName("1,000 sessions, half Streamable HTTP with a GET stream and half legacy SSE, have every call answered")
    void thousandSessions() {
        backend = HttpTestServer.start();
        front = FrontHarness.start("""
                - path: "/many"
                  type: http
                  backend: "%s"
                  protocol: "2025"
                  timeout: "5m"
                  max_sessions: %d
                  max_sessions_per_user: %d
                """.formatted(backend.url(), SESSIONS, SESSIONS), "max_sessions: " + SESSIONS);
        NodeScript.Result run = NodeScript.run(
                Duration.ofSeconds(150),
                NodeTools.node(),
                "many-sessions.mjs",
                List.of(
                        "--base",
                        front.url("/many"),
                        "--sessions",
                        Integer.toString(SESSIONS),
                        "--hold",
                        "8",
                        "--every",
                        "4",
                        "--header",
                        "Authorization: " + TestTokens.bearer()));
        JsonObject report = run.report();
        assertThat(report.getInteger("sessions_opened")).as(report.encode()).isEqualTo(SESSIONS);
        assertThat(report.getInteger("calls")).as(report.encode()).isGreaterThanOrEqualTo(SESSIONS);
        assertThat(report.getInteger("answered")).as(report.encode()).isEqualTo(report.getInteger("calls"));
        assertThat(report.getInteger("errors")).as(report.encode()).isZero();
    }
}
