package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mcpfront.testing.BothBackends;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.McpClient;

/**
 * The official TypeScript SDK client talks to server-everything through mcp-front in all four
 * combinations of client transport and backend transport, and directly as the baseline.
 */
@DisplayName("Every client transport works in front of every backend transport")
@Timeout(300)
class TransportMatrixIT {

    private static BothBackends backends;
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        backends = BothBackends.start("");
        front = backends.front;
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(backends);
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of(McpClient.Transport.STREAMABLE, "/streamable/mcp"),
                Arguments.of(McpClient.Transport.SSE, "/streamable/sse"),
                Arguments.of(McpClient.Transport.STREAMABLE, "/legacy/mcp"),
                Arguments.of(McpClient.Transport.SSE, "/legacy/sse"));
    }

    @ParameterizedTest(name = "{0} client on {1}")
    @MethodSource("combinations")
    @DisplayName("initialize, tools, sampling, elicitation, progress, notifications and close pass through")
    void fullScenario(McpClient.Transport transport, String path) {
        JsonObject report = McpClient.runPassing(front.url(path), transport);
        assertThat(report.getBoolean("ok")).as(report.encodePrettily()).isTrue();
    }

    @ParameterizedTest(name = "{0} client directly on the {1} backend")
    @MethodSource("direct")
    @DisplayName("the same scenario passes against the backends directly (baseline)")
    void baseline(McpClient.Transport transport, EverythingServer.Mode mode) {
        String url = mode == EverythingServer.Mode.STREAMABLE ? backends.streamable.url() : backends.sse.url();
        JsonObject report = McpClient.runPassing(url, transport);
        assertThat(report.getBoolean("ok")).as(report.encodePrettily()).isTrue();
    }

    static Stream<Arguments> direct() {
        return Stream.of(
                Arguments.of(McpClient.Transport.STREAMABLE, EverythingServer.Mode.STREAMABLE),
                Arguments.of(McpClient.Transport.SSE, EverythingServer.Mode.SSE));
    }
}
