package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcpfront.testing.BothBackends;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.TestTokens;

/** The official Java MCP SDK client through mcp-front, in all four transport combinations. */
@DisplayName("The Java MCP SDK client")
@Timeout(180)
class JavaSdkClientIT {

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

    private static McpClientTransport transport(String clientTransport, String route) {
        if (clientTransport.equals("streamable")) {
            return HttpClientStreamableHttpTransport.builder(front.baseUrl())
                    .endpoint(route + "/mcp")
                    .requestBuilder(java.net.http.HttpRequest.newBuilder().header("Authorization", TestTokens.bearer()))
                    .build();
        }
        return HttpClientSseClientTransport.builder(front.baseUrl())
                .sseEndpoint(route + "/sse")
                .requestBuilder(java.net.http.HttpRequest.newBuilder().header("Authorization", TestTokens.bearer()))
                .build();
    }

    @ParameterizedTest(name = "{0} client on {1}")
    @CsvSource({"streamable, /streamable", "sse, /streamable", "streamable, /legacy", "sse, /legacy"})
    @DisplayName("initializes, lists and calls tools, answers sampling and receives progress")
    void scenario(String clientTransport, String route) {
        AtomicInteger samplingRequests = new AtomicInteger();
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = McpClient.sync(transport(clientTransport, route))
                .requestTimeout(Duration.ofSeconds(30))
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> {
                    samplingRequests.incrementAndGet();
                    return new McpSchema.CreateMessageResult(
                            McpSchema.Role.ASSISTANT,
                            new McpSchema.TextContent("sampled by the java client"),
                            "test-model",
                            McpSchema.CreateMessageResult.StopReason.END_TURN);
                })
                .progressConsumer(progress::add)
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).contains("everything");

            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("echo", EverythingTools.LONG_RUNNING);

            McpSchema.CallToolResult echo =
                    client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hello")));
            assertThat(((McpSchema.TextContent) echo.content().get(0)).text()).isEqualTo("Echo: hello");

            McpSchema.CallToolResult sampled = client.callTool(new McpSchema.CallToolRequest(
                    "trigger-sampling-request", Map.of("prompt", "say hi", "maxTokens", 20)));
            assertThat(samplingRequests).hasValue(1);
            assertThat(((McpSchema.TextContent) sampled.content().get(0)).text())
                    .contains("sampled by the java client");

            client.callTool(new McpSchema.CallToolRequest(
                    EverythingTools.LONG_RUNNING,
                    Map.of("duration", 1, "steps", 3),
                    Map.of("progressToken", "java-progress")));
            // The SDK runs progress consumers asynchronously: callTool may return before they ran.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (progress.isEmpty() && System.nanoTime() < deadline) {
                FreePorts.sleep(50);
            }
            assertThat(progress)
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("java-progress"));

            client.ping();
        } finally {
            assertThat(client.closeGracefully()).isTrue();
        }
    }
}
