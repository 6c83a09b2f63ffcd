package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.OtlpReceiver;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RecordingProxy;

/**
 * OpenTelemetry traces: with {@code observability.otlp_endpoint} set, each MCP request becomes a span
 * exported over OTLP/HTTP (protobuf) to a collector stand-in, named for its method and tool and carrying
 * route, eras and outcome but never the arguments, and the HTTP backend gets the span's
 * {@code traceparent}. Without it, no backend request carries a {@code traceparent}.
 */
@DisplayName("Traces")
@Timeout(120)
class TracingIT {

    private static final String SECRET_ARGUMENT = "do-not-trace-this-argument";

    private EverythingServer backend;
    private RecordingProxy proxy;
    private OtlpReceiver collector;
    private FrontHarness front;

    @AfterEach
    void stop() {
        Closeables.closeAll(front, proxy, backend, collector);
    }

    private void start(String observabilityYaml) {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        proxy = RecordingProxy.to(backend.port());
        front = FrontHarness.startWith(FrontHarness.yaml("""
                - path: "/everything"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                  protocol: "2025"
                  health_check: { enabled: false }
                """.formatted(proxy.port()), "") + observabilityYaml);
    }

    @Test
    @DisplayName(
            "a tools/call is a span at the collector with route, tool, eras and outcome, and its traceparent reaches "
                    + "the backend")
    void spans() {
        collector = OtlpReceiver.start();
        start("""
                observability:
                  otlp_endpoint: "%s"
                """.formatted(collector.url()));
        callEcho();

        OtlpReceiver.ReceivedSpan span = collector.await(s -> s.name().equals("tools/call echo"), "for the echo call");
        assertThat(span.service()).isEqualTo("mcp-front");
        assertThat(span.attributes())
                .containsEntry("mcp.method.name", "tools/call")
                .containsEntry("gen_ai.tool.name", "echo")
                .containsEntry("mcp_front.route", "/everything")
                .containsEntry("mcp_front.client_era", "2025")
                .containsEntry("mcp_front.backend_era", "2025")
                .containsEntry("mcp_front.outcome", "ok");
        assertThat(span.attributes().values()).noneMatch(value -> value.contains(SECRET_ARGUMENT));
        collector.await(
                s -> s.name().equals("initialize")
                        && "/everything".equals(s.attributes().get("mcp_front.route")),
                "for initialize");
        assertThat(collector.contentTypes()).allMatch(type -> type.startsWith("application/x-protobuf"));

        // Version 00, the span's ids, and flags with "sampled" set (OpenTelemetry also sets "random", 0x02).
        String expected = "00-" + span.traceId() + "-" + span.spanId() + "-";
        assertThat(proxy.requests())
                .as("a backend request carries the tools/call span's traceparent")
                .anyMatch(headers -> headers.get("traceparent") != null
                        && headers.get("traceparent").startsWith(expected)
                        && (Integer.parseInt(headers.get("traceparent").substring(expected.length()), 16) & 1) == 1);
    }

    @Test
    @DisplayName("without an OTLP endpoint no span is made and no backend request carries a traceparent")
    void offByDefault() {
        start("");
        callEcho();
        assertThat(proxy.requests()).isNotEmpty().allMatch(headers -> headers.get("traceparent") == null);
    }

    private void callEcho() {
        String url = front.url("/everything/mcp");
        HttpResponse<String> opened = RawHttp.send(RawHttp.mcpPost(url, RawHttp.INITIALIZE));
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
        HttpResponse<String> echo = RawHttp.send(RawHttp.mcpPost(
                        url,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + SECRET_ARGUMENT
                                + "\"}}}")
                .header("Mcp-Session-Id", session));
        assertThat(RawHttp.lastMessage(echo).containsKey("result"))
                .as(echo.body())
                .isTrue();
    }
}
