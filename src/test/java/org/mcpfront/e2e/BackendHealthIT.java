package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.ModernServer;
import org.mcpfront.testing.RawHttp;

/**
 * HTTP backends probed in the background: a backend stopped is seen going down (in {@code /ready}'s
 * details, {@code mcp_front_backend_up} and {@code mcp_front_backend_errors_total}), and seen coming back
 * when it is restarted; a session whose backend dies mid-call is counted as a backend error too.
 */
@DisplayName("Backend health")
@Timeout(180)
class BackendHealthIT {

    private EverythingServer streamable;
    private EverythingServer sse;
    private ModernServer modern;
    private FrontHarness front;

    @BeforeEach
    void start() {
        streamable = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        sse = EverythingServer.start(EverythingServer.Mode.SSE);
        modern = ModernServer.start(ModernServer.Era.MODERN);
        front = FrontHarness.start("""
                - path: "/streamable"
                  type: http
                  backend: "%s"
                  health_check: { interval: 1s }
                - path: "/legacy-sse"
                  type: http
                  backend: "%s"
                  health_check: { interval: 1s }
                - path: "/modern"
                  type: http
                  backend: "%s"
                  health_check: { interval: 1s }
                - path: "/unwatched"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                  health_check: { enabled: false }
                """.formatted(streamable.url(), sse.url(), modern.url(), FreePorts.next()));
    }

    @AfterEach
    void stop() {
        Closeables.closeAll(front, streamable, sse, modern);
    }

    @Test
    @DisplayName("every transport and era is probed and up; a route with health_check off is not probed")
    void allUp() {
        for (String route : List.of("/streamable", "/legacy-sse", "/modern")) {
            awaitBackend(route, "up");
            awaitMetric("mcp_front_backend_up{route=\"" + route + "\"}", v -> v == 1.0);
        }
        assertThat(backends().containsKey("/unwatched")).isFalse();
        assertThat(metrics()).doesNotContain("mcp_front_backend_up{route=\"/unwatched\"}");
    }

    @Test
    @DisplayName("a stopped backend is seen going down, counted and named, and a restarted one coming back up")
    void downAndUp() {
        awaitBackend("/streamable", "up");
        int port = streamable.port();
        streamable.kill();

        JsonObject down = awaitBackend("/streamable", "down");
        assertThat(down.getJsonObject("last_error").getString("kind")).isEqualTo("probe");
        assertThat(down.getJsonObject("last_error").getString("reason")).isNotBlank();
        awaitMetric("mcp_front_backend_up{route=\"/streamable\"}", v -> v == 0.0);
        awaitMetric("mcp_front_backend_errors_total{kind=\"probe\",route=\"/streamable\"}", v -> v >= 1.0);
        assertThat(RawHttp.send(RawHttp.anonymous(front.url("/ready"))).statusCode())
                .as("a backend down leaves the instance ready")
                .isEqualTo(200);

        streamable = EverythingServer.startOn(EverythingServer.Mode.STREAMABLE, port);
        JsonObject up = awaitBackend("/streamable", "up");
        assertThat(up.getJsonObject("errors").getLong("probe")).isGreaterThanOrEqualTo(1L);
        awaitMetric("mcp_front_backend_up{route=\"/streamable\"}", v -> v == 1.0);
    }

    @Test
    @DisplayName("a backend that dies in the middle of a session's call is counted in mcp_front_backend_errors_total")
    void midSessionCrash() {
        String url = front.url("/legacy-sse/mcp");
        HttpResponse<String> opened = RawHttp.send(RawHttp.mcpPost(url, RawHttp.INITIALIZE));
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
        CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> RawHttp.send(RawHttp.mcpPost(
                        url,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\""
                                + EverythingTools.LONG_RUNNING + "\",\"arguments\":{\"duration\":30,\"steps\":30}}}")
                .header("Mcp-Session-Id", session)));
        awaitMetric("mcp_front_messages_total{direction=\"to_backend\",route=\"/legacy-sse\"}", v -> v >= 3.0);

        sse.kill();
        assertThat(RawHttp.lastMessage(call.join()).containsKey("error")).isTrue();
        awaitMetric("mcp_front_backend_errors_total{kind=\"stream_closed\",route=\"/legacy-sse\"}", v -> v >= 1.0);
        assertThat(awaitBackend("/legacy-sse", "down").getJsonObject("errors").getLong("stream_closed"))
                .isGreaterThanOrEqualTo(1L);
    }

    private JsonObject backends() {
        HttpResponse<String> ready = RawHttp.send(RawHttp.request(front.url("/ready")));
        return new JsonObject(ready.body())
                .getJsonArray("checks").stream()
                        .map(JsonObject.class::cast)
                        .filter(check -> "backends".equals(check.getString("id")))
                        .findFirst()
                        .map(check -> check.getJsonObject("data", new JsonObject()))
                        .orElseThrow();
    }

    private JsonObject awaitBackend(String route, String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonObject backend;
        do {
            backend = backends().getJsonObject(route, new JsonObject());
            if (state.equals(backend.getString("state"))) {
                return backend;
            }
            FreePorts.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(route + " did not become " + state + ": " + backend.encode());
    }

    private String metrics() {
        return RawHttp.send(RawHttp.request(front.url("/metrics"))).body();
    }

    private void awaitMetric(String series, Predicate<Double> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Optional<Double> value;
        do {
            value = value(metrics(), series);
            if (value.isPresent() && expected.test(value.get())) {
                return;
            }
            FreePorts.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(series + " is " + value.map(String::valueOf).orElse("absent"));
    }

    private static Optional<Double> value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }
}
