package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.McpClient;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RecordingProxy;

/** The edge's answers to good and bad requests, checked on the wire. */
@DisplayName("The MCP endpoints")
@Timeout(120)
class EdgeBehaviourIT {

    private static EverythingServer backend;
    private static RecordingProxy recorder;
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        recorder = RecordingProxy.to(backend.port());
        front = FrontHarness.start("""
                - path: "/everything"
                  type: http
                  backend: "%s"
                - path: "/recorded"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                  headers: { X-Api-Key: "backend-secret" }
                """.formatted(backend.url(), recorder.port()), """
                max_body_size: "64KiB"
                sse_keepalive: "2s"
                allowed_origins: ["https://app.example.com"]
                """);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(backend, recorder, front);
    }

    private static String mcp() {
        return front.url("/everything/mcp");
    }

    private static String initialize() {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(mcp(), RawHttp.INITIALIZE));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(session).matches("[\\x21-\\x7E]{16,}");
        assertThat(response.body()).contains("\"result\"").contains("\"protocolVersion\"");
        HttpResponse<String> initialized =
                RawHttp.send(RawHttp.mcpPost(mcp(), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .header("Mcp-Session-Id", session));
        assertThat(initialized.statusCode()).isEqualTo(202);
        return session;
    }

    private static JsonObject errorOf(HttpResponse<String> response) {
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getString("jsonrpc")).isEqualTo("2.0");
        return body.getJsonObject("error");
    }

    @Test
    @DisplayName("a session answers a quick request with plain JSON and is gone after DELETE")
    void sessionLifecycle() {
        String session = initialize();
        HttpResponse<String> tools =
                RawHttp.send(RawHttp.mcpPost(mcp(), "{\"jsonrpc\":\"2.0\",\"id\":\"t-1\",\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", "2025-06-18"));
        assertThat(tools.statusCode()).isEqualTo(200);
        // Nothing came before the response, so it is all there is to send: JSON, not a stream.
        assertThat(tools.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(new JsonObject(tools.body()).getString("id")).isEqualTo("t-1");
        assertThat(tools.body()).contains("\"tools\"");

        HttpResponse<String> deleted = RawHttp.send(
                RawHttp.request(mcp()).header("Mcp-Session-Id", session).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        HttpResponse<String> after =
                RawHttp.send(RawHttp.mcpPost(mcp(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", session));
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(errorOf(after).getInteger("code")).isEqualTo(-32002);
    }

    @Test
    @DisplayName("a request that sends progress first gets an SSE stream: progress, then the response")
    void progressMakesAStream() {
        String session = initialize();
        String call = "{\"jsonrpc\":\"2.0\",\"id\":\"p-1\",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + EverythingTools.LONG_RUNNING + "\",\"arguments\":" + EverythingTools.longRunningArguments(1, 2)
                + ",\"_meta\":{\"progressToken\":\"tok\"}}}";
        HttpResponse<String> response =
                RawHttp.send(RawHttp.mcpPost(mcp(), call).header("Mcp-Session-Id", session));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        String body = response.body();
        assertThat(body.indexOf("notifications/progress"))
                .as(body)
                .isGreaterThanOrEqualTo(0)
                .isLessThan(body.indexOf("\"id\":\"p-1\""));
    }

    @Test
    @DisplayName("a request still unanswered when the first keep-alive is due gets an SSE stream")
    void quietRequestMakesAStream() {
        String session = initialize();
        // Six seconds without progress (no token), against a keep-alive interval of two: room for a slow machine.
        String call = "{\"jsonrpc\":\"2.0\",\"id\":\"q-1\",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + EverythingTools.LONG_RUNNING + "\",\"arguments\":" + EverythingTools.longRunningArguments(6, 1)
                + "}}";
        HttpResponse<Stream<String>> response =
                RawHttp.stream(RawHttp.mcpPost(mcp(), call).header("Mcp-Session-Id", session));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> lines;
        try (Stream<String> body = response.body()) {
            lines = body.toList();
        }
        // The stream opens when the keep-alive was due, well before the response, with SEP-1699's
        // priming event (an id to resume with, no data) and that keep-alive.
        assertThat(lines)
                .as(String.join("\n", lines))
                .first()
                .asString()
                .startsWith("id: " + session + ".p")
                .endsWith("-0");
        assertThat(lines.subList(1, 5)).containsExactly("retry: 1000", "data: ", "", ": keep-alive");
        assertThat(lines.stream()
                        .filter(line -> line.startsWith("data: ") && !"data: ".equals(line))
                        .toList())
                .singleElement()
                .asString()
                .contains("\"id\":\"q-1\"");
    }

    @Test
    @DisplayName("a client that accepts only JSON gets a JSON response")
    void jsonOnlyClient() {
        String session = initialize();
        HttpResponse<String> tools = RawHttp.send(RawHttp.request(mcp())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Mcp-Session-Id", session)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}")));
        assertThat(tools.statusCode()).isEqualTo(200);
        assertThat(tools.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonObject body = new JsonObject(tools.body());
        assertThat(body.getInteger("id")).isEqualTo(7);
        assertThat(body.getJsonObject("result").getJsonArray("tools")).isNotEmpty();
    }

    @Test
    @DisplayName("malformed JSON gets a JSON-RPC parse error with status 400, not a 500")
    void malformedJson() {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(mcp(), "{\"jsonrpc\": \"2.0\", \"id\": 1, "));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorOf(response).getInteger("code")).isEqualTo(-32700);
    }

    @Test
    @DisplayName("a message that is JSON but not JSON-RPC gets an invalid-request error")
    void invalidRequest() {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(mcp(), "{\"hello\":\"world\"}"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorOf(response).getInteger("code")).isEqualTo(-32600);
    }

    @Test
    @DisplayName("a body over max_body_size gets 413 and the gateway keeps serving")
    void oversizedBody() {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"pad\":\""
                + "x".repeat(70 * 1024) + "\"}}";
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(mcp(), big));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(errorOf(response).getString("message")).contains("65536");
        initialize();
    }

    @Test
    @DisplayName("requests without Mcp-Session-Id after initialize get 400; unknown sessions get 404")
    void sessionHeaderChecks() {
        HttpResponse<String> missing =
                RawHttp.send(RawHttp.mcpPost(mcp(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
        assertThat(missing.statusCode()).isEqualTo(400);
        HttpResponse<String> unknown =
                RawHttp.send(RawHttp.mcpPost(mcp(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", "no-such-session"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> unknownGet = RawHttp.send(RawHttp.request(mcp())
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", "no-such-session")
                .GET());
        assertThat(unknownGet.statusCode()).isEqualTo(404);
        HttpResponse<String> unknownDelete = RawHttp.send(RawHttp.request(mcp())
                .header("Mcp-Session-Id", "no-such-session")
                .DELETE());
        assertThat(unknownDelete.statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("an unsupported MCP-Protocol-Version gets 400")
    void protocolVersion() {
        String session = initialize();
        HttpResponse<String> response =
                RawHttp.send(RawHttp.mcpPost(mcp(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", "1999-01-01"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorOf(response).getString("message")).contains("1999-01-01");
    }

    @Test
    @DisplayName("a foreign Origin gets 403; loopback and configured origins are let in")
    void origins() {
        HttpResponse<String> foreign =
                RawHttp.send(RawHttp.mcpPost(mcp(), RawHttp.INITIALIZE).header("Origin", "https://evil.example"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(errorOf(foreign).getString("message")).contains("https://evil.example");
        assertThat(RawHttp.send(RawHttp.mcpPost(mcp(), RawHttp.INITIALIZE).header("Origin", "http://localhost:6274"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(RawHttp.send(RawHttp.mcpPost(mcp(), RawHttp.INITIALIZE).header("Origin", "https://app.example.com"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    @DisplayName("unknown routes get 404 and POSTs to an SSE URL get 405 so clients fall back")
    void routing() {
        assertThat(RawHttp.send(RawHttp.mcpPost(front.url("/nope/mcp"), RawHttp.INITIALIZE))
                        .statusCode())
                .isEqualTo(404);
        assertThat(RawHttp.send(RawHttp.mcpPost(front.url("/everything/sse"), RawHttp.INITIALIZE))
                        .statusCode())
                .isEqualTo(405);
        assertThat(RawHttp.send(RawHttp.mcpPost(front.url("/everything/message"), RawHttp.INITIALIZE))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    @DisplayName("an SSE stream names its message endpoint first and sends keep-alive comments")
    void sseEndpointAndKeepAlive() {
        HttpResponse<Stream<String>> response = RawHttp.stream(RawHttp.request(front.url("/everything/sse"))
                .header("Accept", "text/event-stream")
                .GET());
        assertThat(response.statusCode()).isEqualTo(200);
        Iterator<String> lines = response.body().iterator();
        assertThat(lines.next()).isEqualTo("event: endpoint");
        assertThat(lines.next()).startsWith("data: /everything/message?sessionId=");
        boolean keepAlive = false;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && lines.hasNext()) {
            if (lines.next().startsWith(": keep-alive")) {
                keepAlive = true;
                break;
            }
        }
        response.body().close();
        assertThat(keepAlive).isTrue();
    }

    @Test
    @DisplayName("a message reaches the backend byte for byte, whitespace and escapes included")
    void bytePassThrough() {
        HttpResponse<String> init = RawHttp.send(RawHttp.mcpPost(front.url("/recorded/mcp"), RawHttp.INITIALIZE));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String odd = "{ \"method\" : \"tools/call\",\n  \"params\": {\"name\":\"echo\", \"arguments\": {\"message\": "
                + "\"caf\\u00e9 \\\"q\\\" 1.50\"}},"
                + " \"jsonrpc\":\"2.0\", \"id\" : 1.0 }";
        HttpResponse<String> response =
                RawHttp.send(RawHttp.mcpPost(front.url("/recorded/mcp"), odd).header("Mcp-Session-Id", session));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("caf\u00e9 \\\"q\\\" 1.50");
        assertThat(recorder.bodies()).contains(odd);
    }

    @Test
    @DisplayName("a legacy SSE client that disconnects ends its session")
    void sseDisconnectEndsSession() {
        try (LogCapture logs = new LogCapture()) {
            HttpResponse<Stream<String>> response = RawHttp.stream(RawHttp.request(front.url("/everything/sse"))
                    .header("Accept", "text/event-stream")
                    .GET());
            Iterator<String> lines = response.body().iterator();
            lines.next();
            String session = lines.next().replaceFirst("^.*sessionId=", "");
            response.body().close();
            assertThat(logs.await(
                            e -> "session closed".equals(e.getFormattedMessage())
                                    && session.equals(LogCapture.fields(e).get("session"))
                                    && "client disconnected"
                                            .equals(LogCapture.fields(e).get("reason")),
                            java.time.Duration.ofSeconds(10)))
                    .as("session " + session + " closed when its client went away")
                    .isPresent();
        }
    }

    @Test
    @DisplayName("route headers reach the backend and the client's access token never does")
    void backendHeaders() {
        McpClient.runPassing(
                front.url("/recorded/mcp"), McpClient.Transport.STREAMABLE, "--steps", "initialize,tools/list,close");
        List<MultiMap> seen = recorder.requests();
        assertThat(seen).isNotEmpty();
        assertThat(seen).allSatisfy(headers -> {
            assertThat(headers.get("X-Api-Key")).isEqualTo("backend-secret");
            assertThat(headers.get("Authorization")).isNull();
        });
    }
}
