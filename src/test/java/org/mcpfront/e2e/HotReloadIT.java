package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RecordingProxy;

/** Editing the config file while mcp-front runs. */
@DisplayName("Hot reload")
@Timeout(120)
class HotReloadIT {

    private EverythingServer first;
    private EverythingServer second;
    private RecordingProxy secondRecorder;
    private FrontHarness front;
    private LogCapture logs;

    @BeforeEach
    void start() {
        logs = new LogCapture();
        first = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        second = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        secondRecorder = RecordingProxy.to(second.port());
        front = FrontHarness.start(route("/a", first.url()));
    }

    @AfterEach
    void stop() {
        Closeables.closeAll(logs, second, first, secondRecorder, front);
    }

    private static String route(String path, String backend) {
        return """
                - path: "%s"
                  type: http
                  backend: "%s"
                """.formatted(path, backend);
    }

    private String secondViaRecorder() {
        return "http://127.0.0.1:" + secondRecorder.port() + "/mcp";
    }

    private String initialize(String path) {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(front.url(path), RawHttp.INITIALIZE));
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private int toolsList(String path, String session) {
        return RawHttp.send(RawHttp.mcpPost(front.url(path), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", session))
                .statusCode();
    }

    private void awaitStatus(String path, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = RawHttp.send(RawHttp.mcpPost(front.url(path), RawHttp.INITIALIZE))
                    .statusCode();
            if (last == status) {
                return;
            }
            FreePorts.sleep(100);
        }
        throw new AssertionError(path + " answered " + last + ", expected " + status + " after the edit");
    }

    @Test
    @DisplayName("an added route starts serving and sessions on unchanged routes keep working")
    void addRoute() {
        String session = initialize("/a/mcp");
        front.rewrite(route("/a", first.url()) + route("/b", second.url()), "");
        awaitStatus("/b/mcp", 200);
        assertThat(toolsList("/a/mcp", session)).isEqualTo(200);
    }

    @Test
    @DisplayName("a changed route applies to new sessions while its live sessions keep their backend")
    void changeRoute() {
        String before = initialize("/a/mcp");
        front.rewrite(route("/a", secondViaRecorder()), "");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (secondRecorder.requests().isEmpty() && System.nanoTime() < deadline) {
            initialize("/a/mcp");
            FreePorts.sleep(100);
        }
        assertThat(secondRecorder.requests())
                .as("new sessions reach the new backend")
                .isNotEmpty();
        int seenBySecond = secondRecorder.requests().size();
        assertThat(toolsList("/a/mcp", before)).isEqualTo(200);
        assertThat(secondRecorder.requests())
                .as("the old session stays on the old backend")
                .hasSize(seenBySecond);
    }

    @Test
    @DisplayName("a removed route closes its live sessions and refuses new ones")
    void removeRoute() {
        String session = initialize("/a/mcp");
        HttpResponse<Stream<String>> sse = RawHttp.stream(RawHttp.request(front.url("/a/sse"))
                .header("Accept", "text/event-stream")
                .GET());
        assertThat(sse.statusCode()).isEqualTo(200);
        Iterator<String> lines = sse.body().iterator();
        assertThat(lines.next()).isEqualTo("event: endpoint");

        front.rewrite(route("/b", second.url()), "");
        awaitStatus("/a/mcp", 404);
        // The legacy stream ends: reading runs out instead of blocking forever.
        while (lines.hasNext()) {
            lines.next();
        }
        assertThat(toolsList("/a/mcp", session)).isEqualTo(404);
        awaitStatus("/b/mcp", 200);
    }

    @Test
    @DisplayName("an invalid edit is logged with the reason and the running configuration stays")
    void invalidEdit() {
        front.writeRaw("routes:\n  - path: \"/a\"\n    type: http\n    backend: \"not a url\"\n");
        assertThat(logs.await(
                        e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                                && (e.getFormattedMessage() + LogCapture.fields(e)).contains("backend"),
                        Duration.ofSeconds(10)))
                .as("a warning that names the bad key")
                .isPresent();
        assertThat(RawHttp.send(RawHttp.mcpPost(front.url("/a/mcp"), RawHttp.INITIALIZE))
                        .statusCode())
                .isEqualTo(200);

        front.rewrite(route("/a", first.url()) + route("/b", second.url()), "");
        awaitStatus("/b/mcp", 200);
    }
}
