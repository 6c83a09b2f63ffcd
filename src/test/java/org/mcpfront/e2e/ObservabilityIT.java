package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.McpClient;
import org.mcpfront.testing.RawHttp;

/** Health, readiness and Prometheus metrics of a gateway that has carried traffic. */
@DisplayName("Health and metrics")
@Timeout(120)
class ObservabilityIT {

    private static EverythingServer backend;
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.start("""
                - path: "/everything"
                  type: http
                  backend: "%s"
                """.formatted(backend.url()));
        McpClient.runPassing(
                front.url("/everything/mcp"),
                McpClient.Transport.STREAMABLE,
                "--steps",
                "initialize,tools/list,tools/call,close");
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(backend, front);
    }

    @Test
    @DisplayName("liveness and readiness answer UP; readiness's details are for admins")
    void health() {
        HttpResponse<String> live = RawHttp.send(RawHttp.request(front.url("/health")));
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");
        HttpResponse<String> ready = RawHttp.awaitStatus(front.url("/ready"), 200);
        assertThat(new JsonObject(ready.body()))
                .as("anyone gets the status alone")
                .isEqualTo(new JsonObject().put("status", "UP"));
        HttpResponse<String> details = RawHttp.awaitStatus(() -> RawHttp.request(front.url("/ready")), 200);
        assertThat(details.body()).as("an admin gets the checks").contains("supervisor");
    }

    @Test
    @DisplayName("metrics count sessions, messages each way and request latency per route")
    void metrics() {
        HttpResponse<String> response = RawHttp.send(RawHttp.request(front.url("/metrics")));
        assertThat(response.statusCode()).isEqualTo(200);
        String text = response.body();
        assertThat(text).containsPattern("mcp_front_sessions_started_total\\{[^}]*route=\"/everything\"[^}]*} [1-9]");
        assertThat(text).containsPattern("mcp_front_sessions_open\\{[^}]*route=\"/everything\"[^}]*} 0");
        assertThat(text)
                .containsPattern(
                        "mcp_front_messages_total\\{[^}]*direction=\"to_backend\"[^}]*route=\"/everything\"[^}]*} "
                                + "[1-9]");
        assertThat(text)
                .containsPattern(
                        "mcp_front_messages_total\\{[^}]*direction=\"to_client\"[^}]*route=\"/everything\"[^}]*} "
                                + "[1-9]");
        assertThat(text).containsPattern("mcp_front_request_duration_seconds_bucket\\{[^}]*method=\"tools/call\"");
        assertThat(text).contains("vertx_http_server");
    }
}
