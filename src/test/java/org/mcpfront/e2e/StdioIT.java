package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.McpClient;

/** server-everything over stdio, one process per session, through both client transports. */
@DisplayName("A stdio route")
@Timeout(180)
class StdioIT {

    private static FrontHarness front;

    @BeforeAll
    static void start() {
        front = FrontHarness.start("""
                - path: "/everything"
                  type: stdio
                  command: %s
                """.formatted(EverythingServer.stdioCommandYaml()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front);
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(McpClient.Transport.class)
    @DisplayName("serves the full scenario: tools, sampling, elicitation, progress, notifications, close")
    void fullScenario(McpClient.Transport transport) {
        String path = transport == McpClient.Transport.STREAMABLE ? "/everything/mcp" : "/everything/sse";
        JsonObject report = McpClient.runPassing(front.url(path), transport);
        assertThat(report.getBoolean("ok")).as(report.encodePrettily()).isTrue();
        assertThat(report.getJsonObject("steps").getJsonObject("progress").getInteger("updates"))
                .isPositive();
    }
}
