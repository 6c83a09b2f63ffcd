package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.ModernServer;
import org.mcpfront.testing.ModernWire;
import org.mcpfront.testing.RawHttp;

/**
 * A 2026-07-28 subscription forwarded at the edge to a 2026-07-28 backend: the acknowledgement first,
 * change notifications tagged with the subscription id, and keep-alive comments between events while the
 * backend is quiet, so that neither a proxy nor mcp-front's own idle timeout takes the stream down.
 */
@DisplayName("A 2026-07-28 subscription through mcp-front to a 2026-07-28 backend")
@Timeout(60)
class ModernProxyIT {

    private static ModernServer backend;
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        backend = ModernServer.start(ModernServer.Era.MODERN);
        front = FrontHarness.start("""
                - { path: "/modern", type: http, backend: "%s" }
                """.formatted(backend.url()), "sse_keepalive: 1s");
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend);
    }

    @Test
    @DisplayName("the acknowledgement, then keep-alives while quiet, then a tagged tools/list_changed")
    void listen() throws Exception {
        String url = front.url("/modern/mcp");
        String listen = ModernWire.body(
                "sub-1",
                "subscriptions/listen",
                new JsonObject().put("notifications", new JsonObject().put("toolsListChanged", true)),
                new JsonObject());
        HttpResponse<Stream<String>> stream = RawHttp.stream(ModernWire.post(url, listen));
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Iterator<String> lines = stream.body().iterator();

        JsonObject ack = nextEvent(lines, new ArrayList<>());
        assertThat(ack.getString("method")).isEqualTo("notifications/subscriptions/acknowledged");
        assertThat(ack.getJsonObject("params")
                        .getJsonObject("_meta")
                        .getValue("io.modelcontextprotocol/subscriptionId"))
                .isEqualTo("sub-1");

        // Quiet for a while: comments keep the stream alive.
        List<String> comments = new ArrayList<>();
        CompletableFuture<HttpResponse<String>> trigger = CompletableFuture.supplyAsync(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(2_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RawHttp.send(ModernWire.post(
                    url,
                    ModernWire.body(
                            2,
                            "tools/call",
                            new JsonObject()
                                    .put("name", "test_trigger_tool_change")
                                    .put("arguments", new JsonObject()),
                            new JsonObject())));
        });
        JsonObject changed = nextEvent(lines, comments);
        assertThat(changed.getString("method")).isEqualTo("notifications/tools/list_changed");
        assertThat(changed.getJsonObject("params")
                        .getJsonObject("_meta")
                        .getValue("io.modelcontextprotocol/subscriptionId"))
                .isEqualTo("sub-1");
        assertThat(comments)
                .as("keep-alive comments while the backend was quiet")
                .isNotEmpty();
        assertThat(trigger.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        stream.body().close();
    }

    /** The next event's data as JSON; comment lines on the way go into {@code comments}. */
    private static JsonObject nextEvent(Iterator<String> lines, List<String> comments) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith(":")) {
                comments.add(line);
            } else if (line.startsWith("data:")) {
                return new JsonObject(line.substring(5).strip());
            }
        }
        throw new AssertionError("the stream ended");
    }
}
