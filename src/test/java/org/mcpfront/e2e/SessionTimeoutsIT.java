package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.RawHttp;

/** {@code timeout} ends idle sessions; {@code request_timeout} fails one slow request, not the session. */
@DisplayName("Session timeouts")
@Timeout(60)
class SessionTimeoutsIT {

    private static EverythingServer backend;
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.start("""
                - path: "/idle"
                  type: http
                  backend: "%s"
                  timeout: "5s"
                - path: "/slow"
                  type: http
                  backend: "%s"
                  timeout: "1m"
                  request_timeout: "1s"
                """.formatted(backend.url(), backend.url()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(backend, front);
    }

    private static String session(String path) {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(front.url(path), RawHttp.INITIALIZE));
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(front.url(path), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
        return session;
    }

    private static int ping(String path, String session) {
        return RawHttp.send(RawHttp.mcpPost(front.url(path), "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}")
                        .header("Mcp-Session-Id", session))
                .statusCode();
    }

    @Test
    @DisplayName("a session with no traffic for the route's timeout ends; traffic keeps it alive")
    void idle() {
        try (LogCapture logs = new LogCapture()) {
            String session = session("/idle/mcp");
            // Seven pings a second apart span more than the 5 s timeout, with 4 s to spare between two.
            long lastPingSentAt = 0;
            for (int i = 0; i < 7; i++) {
                FreePorts.sleep(1000);
                lastPingSentAt = System.currentTimeMillis();
                assertThat(ping("/idle/mcp", session))
                        .as("activity every second keeps the session")
                        .isEqualTo(200);
            }
            // Silence now: anything sent to the session would count as activity, so watch the log instead.
            Optional<ILoggingEvent> closed = logs.await(
                    e -> "session closed".equals(e.getFormattedMessage())
                            && session.equals(LogCapture.fields(e).get("session")),
                    Duration.ofSeconds(30));
            assertThat(closed).as("the session ends once idle").isPresent();
            assertThat(LogCapture.fields(closed.get()).get("reason")).startsWith("idle");
            assertThat(closed.get().getTimeStamp() - lastPingSentAt)
                    .as("ms from the last ping to the end")
                    .isGreaterThanOrEqualTo(4_500);
            assertThat(ping("/idle/mcp", session)).as("after the idle timeout").isEqualTo(404);
        }
    }

    @Test
    @DisplayName("a request past request_timeout gets a JSON-RPC timeout error and the session lives on")
    void requestTimeout() {
        String session = session("/slow/mcp");
        String call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\""
                + EverythingTools.LONG_RUNNING + "\",\"arguments\":" + EverythingTools.longRunningArguments(30, 2)
                + "}}";
        long started = System.nanoTime();
        HttpResponse<String> response;
        long elapsedMs;
        try (LogCapture logs = new LogCapture()) {
            response =
                    RawHttp.send(RawHttp.mcpPost(front.url("/slow/mcp"), call).header("Mcp-Session-Id", session));
            elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(logs.await(
                            e -> "audit".equals(e.getLoggerName())
                                    && session.equals(LogCapture.fields(e).get("session"))
                                    && "timeout".equals(LogCapture.fields(e).get("outcome"))
                                    && EverythingTools.LONG_RUNNING.equals(
                                            LogCapture.fields(e).get("tool")),
                            Duration.ofSeconds(10)))
                    .as("the audit line of the timed-out tool call")
                    .isPresent();
        }
        JsonObject error = RawHttp.lastMessage(response).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32001);
        assertThat(error.getString("message")).contains("timed out").contains("/slow");
        assertThat(elapsedMs)
                .as("answered by the timeout, not by the 30 s tool")
                .isBetween(900L, 20_000L);
        assertThat(ping("/slow/mcp", session)).isEqualTo(200);
    }
}
