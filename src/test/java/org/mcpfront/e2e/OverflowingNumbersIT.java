package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.RawHttp;

/**
 * JSON numbers that do not fit a double ({@code 1e400}) where mcp-front reads them: the request id and
 * the progress token. Both are refused with a JSON-RPC error at once, never a 500 or a hang.
 */
@DisplayName("Numbers that overflow")
@Timeout(120)
class OverflowingNumbersIT {

    private static FrontHarness front;
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = new LogCapture();
        front = FrontHarness.start("""
                - path: "/tool"
                  type: stdio
                  command: ["node", "%s"]
                """.formatted(NodeTools.script("stdio-test-server.mjs")));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, logs);
    }

    private static String session() {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(front.url("/tool/mcp"), RawHttp.INITIALIZE));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(
                        front.url("/tool/mcp"), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
        return session;
    }

    @Test
    @DisplayName("an id of 1e400 gets a JSON-RPC invalid-request error, not a 500 with a stack trace")
    void hugeId() {
        String session = session();
        HttpResponse<String> response = RawHttp.send(
                RawHttp.mcpPost(front.url("/tool/mcp"), "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", session));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32600);
        assertThat(error.getString("message")).contains("id");
        assertThat(logs.events()).noneMatch(e -> e.getLevel() == Level.ERROR);
    }

    @Test
    @DisplayName("a progress token of 1e400 gets a JSON-RPC error at once, and the session still answers")
    void hugeProgressToken() {
        String session = session();
        long started = System.nanoTime();
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(
                        front.url("/tool/mcp"),
                        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                                + "\"arguments\":{\"message\":\"hi\"},\"_meta\":{\"progressToken\":1e400}}}")
                .header("Mcp-Session-Id", session));

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("answered without waiting for a timeout")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getInteger("id")).isEqualTo(7);
        assertThat(body.getJsonObject("error").getInteger("code")).isEqualTo(-32600);
        assertThat(body.getJsonObject("error").getString("message")).contains("progressToken");

        HttpResponse<String> ping = RawHttp.send(
                RawHttp.mcpPost(front.url("/tool/mcp"), "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}")
                        .header("Mcp-Session-Id", session));
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(logs.events()).noneMatch(e -> e.getLevel() == Level.ERROR);
    }
}
