package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.BothBackends;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.RawHttp;

/** Backends that are down or die mid-call: the client gets a clear error, the gateway stays up. */
@DisplayName("A failing backend")
@Timeout(120)
class BackendFailureIT {

    /** server-everything's tool that runs for a given duration, sending progress. */
    static final String LONG_RUNNING_TOOL = EverythingTools.LONG_RUNNING;

    private BothBackends backends;
    private EverythingServer streamable;
    private EverythingServer sse;
    private FrontHarness front;
    private LogCapture logs;
    private final int deadPort = FreePorts.next();

    @BeforeEach
    void start() {
        logs = new LogCapture();
        backends = BothBackends.start("""
                - path: "/down"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                - path: "/down-sse"
                  type: http
                  backend: "http://127.0.0.1:%d/sse"
                """.formatted(deadPort, deadPort));
        streamable = backends.streamable;
        sse = backends.sse;
        front = backends.front;
    }

    @AfterEach
    void stop() {
        // A test that restarted the backend holds a process BothBackends does not know.
        Closeables.closeAll(
                logs,
                backends,
                streamable == backends.streamable ? null : streamable,
                sse == backends.sse ? null : sse);
    }

    @Test
    @DisplayName("a Streamable HTTP backend that is down answers initialize with a JSON-RPC error naming the route")
    void streamableBackendDown() {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(front.url("/down/mcp"), RawHttp.INITIALIZE));
        JsonObject error = RawHttp.messages(response).get(0).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32000);
        assertThat(error.getString("message")).contains("/down");
        assertThat(logs.await(
                        e -> e.getLevel() == Level.ERROR
                                && "/down".equals(LogCapture.fields(e).get("route"))
                                && LogCapture.fields(e).containsKey("session"),
                        Duration.ofSeconds(5)))
                .isPresent();
    }

    @Test
    @DisplayName("a legacy SSE backend that is down answers with 502 and a JSON-RPC error")
    void sseBackendDown() {
        HttpResponse<String> viaStreamable =
                RawHttp.send(RawHttp.mcpPost(front.url("/down-sse/mcp"), RawHttp.INITIALIZE));
        assertThat(viaStreamable.statusCode()).isEqualTo(502);
        JsonObject body = new JsonObject(viaStreamable.body());
        assertThat(body.getInteger("id")).isEqualTo(1);
        assertThat(body.getJsonObject("error").getString("message")).contains("/down-sse");

        HttpResponse<String> viaSse = RawHttp.send(RawHttp.request(front.url("/down-sse/sse"))
                .header("Accept", "text/event-stream")
                .GET());
        assertThat(viaSse.statusCode()).isEqualTo(502);
    }

    @Test
    @DisplayName("a Streamable HTTP backend killed mid-call fails the pending request; a call while it is down"
            + " waits for it to come back on its port, and the session carries on")
    void streamableBackendDiesMidCall() throws Exception {
        String session = initialized("/streamable/mcp");
        CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> RawHttp.send(
                RawHttp.mcpPost(front.url("/streamable/mcp"), longCall(42)).header("Mcp-Session-Id", session)));
        FreePorts.sleep(1500);
        int port = streamable.port();
        streamable.kill();
        HttpResponse<String> response = call.get();
        List<JsonObject> messages = RawHttp.messages(response);
        JsonObject last = messages.get(messages.size() - 1);
        assertThat(last.getInteger("id")).isEqualTo(42);
        assertThat(last.getJsonObject("error").getInteger("code")).isEqualTo(-32000);
        assertFailureLogged("/streamable");
        // Issue 13: a call while the backend is down waits for it (bounded by request_timeout), not sent twice.
        CompletableFuture<String> whileDown = CompletableFuture.supplyAsync(() -> echo(session, 3));
        assertThat(logs.await(
                        e -> "backend_unreachable".equals(LogCapture.fields(e).get("event"))
                                && session.equals(LogCapture.fields(e).get("session")),
                        Duration.ofSeconds(10)))
                .as("the outage audited")
                .isPresent();
        FreePorts.sleep(3000);
        assertThat(whileDown).as("the call waits while the backend is down").isNotDone();
        streamable = EverythingServer.startOn(EverythingServer.Mode.STREAMABLE, port);
        assertThat(whileDown.get()).isEqualTo("Echo: 3");
        assertThat(echo(session, 4)).as("the same Mcp-Session-Id goes on").isEqualTo("Echo: 4");
        assertThat(logs.await(
                        e -> "backend_reachable".equals(LogCapture.fields(e).get("event"))
                                && session.equals(LogCapture.fields(e).get("session")),
                        Duration.ofSeconds(5)))
                .isPresent();
        assertThat(logs.await(
                        e -> "upstream_reopened".equals(LogCapture.fields(e).get("event"))
                                && session.equals(LogCapture.fields(e).get("session")),
                        Duration.ofSeconds(5)))
                .as("the new process got the client's initialize")
                .isPresent();
    }

    @Test
    @DisplayName("a Streamable HTTP backend restarted on its port: the client's session carries on, audited")
    void streamableBackendRestarts() {
        String session = initialized("/streamable/mcp");
        assertThat(echo(session, 5)).isEqualTo("Echo: 5");
        int port = streamable.port();
        streamable.kill();
        streamable = EverythingServer.startOn(EverythingServer.Mode.STREAMABLE, port);
        // The new process does not know mcp-front's upstream session: a new one is opened with the
        // client's initialize, and the call that met the 404 is carried out on it.
        assertThat(echo(session, 6)).isEqualTo("Echo: 6");
        assertThat(echo(session, 7)).isEqualTo("Echo: 7");
        assertThat(logs.await(
                        e -> "upstream_reopened".equals(LogCapture.fields(e).get("event"))
                                && session.equals(LogCapture.fields(e).get("session")),
                        Duration.ofSeconds(5)))
                .isPresent();
    }

    private String echo(String session, int id) {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(
                        front.url("/streamable/mcp"),
                        "{\"jsonrpc\":\"2.0\",\"id\":" + id
                                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                                + "\"arguments\":{\"message\":\"" + id + "\"}}}")
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18"));
        JsonObject answer = RawHttp.lastMessage(response);
        assertThat(answer.getInteger("id")).as(response.body()).isEqualTo(id);
        assertThat(answer.containsKey("result")).as(response.body()).isTrue();
        return answer.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text");
    }

    @Test
    @DisplayName("a legacy SSE backend killed mid-call fails the pending request; a call while it is down waits"
            + " for it to come back on its port, answered on the same client stream")
    void sseBackendDiesMidCall() {
        HttpResponse<Stream<String>> stream = RawHttp.stream(RawHttp.request(front.url("/legacy/sse"))
                .header("Accept", "text/event-stream")
                .GET());
        Iterator<String> lines = stream.body().iterator();
        assertThat(lines.next()).isEqualTo("event: endpoint");
        String endpoint = lines.next().substring("data: ".length());
        String messages = front.url(endpoint);
        assertThat(RawHttp.send(RawHttp.mcpPost(messages, RawHttp.INITIALIZE)).statusCode())
                .isEqualTo(202);
        assertThat(RawHttp.send(RawHttp.mcpPost(
                                messages, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
                        .statusCode())
                .isEqualTo(202);
        assertThat(RawHttp.send(RawHttp.mcpPost(messages, longCall(42))).statusCode())
                .isEqualTo(202);
        FreePorts.sleep(1500);
        sse.kill();
        Optional<JsonObject> error = Optional.empty();
        while (error.isEmpty() && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ") && line.contains("\"id\":42")) {
                error = Optional.of(new JsonObject(line.substring(6)));
            }
        }
        assertThat(error)
                .as("an error for the pending call on the client's stream")
                .isPresent();
        assertThat(error.get().getJsonObject("error").getInteger("code")).isEqualTo(-32000);
        assertFailureLogged("/legacy");
        // Issue 13: a call while the backend is down waits for it; the client's stream stays.
        assertThat(RawHttp.send(RawHttp.mcpPost(
                                messages,
                                "{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"tools/call\","
                                        + "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"down\"}}}"))
                        .statusCode())
                .isEqualTo(202);
        assertThat(logs.await(
                        e -> "backend_unreachable".equals(LogCapture.fields(e).get("event"))
                                && "/legacy".equals(LogCapture.fields(e).get("route")),
                        Duration.ofSeconds(10)))
                .as("the outage audited")
                .isPresent();
        FreePorts.sleep(3000);
        int port = sse.port();
        sse = EverythingServer.startOn(EverythingServer.Mode.SSE, port);
        Optional<JsonObject> answer = nextMessage(lines, "\"id\":43");
        assertThat(answer)
                .as("the waiting call answered on the same client stream")
                .isPresent();
        assertThat(answer.get().encode()).contains("Echo: down");
        assertThat(logs.await(
                        e -> "upstream_reopened".equals(LogCapture.fields(e).get("event"))
                                && "/legacy".equals(LogCapture.fields(e).get("route")),
                        Duration.ofSeconds(5)))
                .isPresent();
        stream.body().close();
    }

    @Test
    @DisplayName("a legacy SSE backend restarted on its port: the client's stream and session carry on, audited")
    void sseBackendRestarts() {
        HttpResponse<Stream<String>> stream = RawHttp.stream(RawHttp.request(front.url("/legacy/sse"))
                .header("Accept", "text/event-stream")
                .GET());
        Iterator<String> lines = stream.body().iterator();
        assertThat(lines.next()).isEqualTo("event: endpoint");
        String messages = front.url(lines.next().substring("data: ".length()));
        assertThat(RawHttp.send(RawHttp.mcpPost(messages, RawHttp.INITIALIZE)).statusCode())
                .isEqualTo(202);
        assertThat(nextMessage(lines, "\"id\":1")).as("initialize answered").isPresent();
        assertThat(RawHttp.send(RawHttp.mcpPost(
                                messages, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
                        .statusCode())
                .isEqualTo(202);
        assertThat(RawHttp.send(RawHttp.mcpPost(messages, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}"))
                        .statusCode())
                .isEqualTo(202);
        assertThat(nextMessage(lines, "\"id\":7"))
                .as("the session works before the restart")
                .isPresent();
        int port = sse.port();
        sse.kill();
        sse = EverythingServer.startOn(EverythingServer.Mode.SSE, port);
        // Sent while mcp-front may still be reconnecting: it waits, then goes to the new backend session.
        assertThat(RawHttp.send(RawHttp.mcpPost(
                                messages,
                                "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\","
                                        + "\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"back\"}}}"))
                        .statusCode())
                .isEqualTo(202);
        Optional<JsonObject> answer = nextMessage(lines, "\"id\":8");
        assertThat(answer).as("the call's answer on the same client stream").isPresent();
        assertThat(answer.get().encode()).contains("Echo: back");
        assertThat(logs.await(
                        e -> "upstream_reopened".equals(LogCapture.fields(e).get("event")), Duration.ofSeconds(5)))
                .isPresent();
        stream.body().close();
    }

    /** The next message on an SSE stream whose data contains {@code marker}. */
    private static Optional<JsonObject> nextMessage(Iterator<String> lines, String marker) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ") && line.contains(marker)) {
                return Optional.of(new JsonObject(line.substring(6)));
            }
        }
        return Optional.empty();
    }

    private String initialized(String path) {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(front.url(path), RawHttp.INITIALIZE));
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(front.url(path), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
        return session;
    }

    private static String longCall(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + LONG_RUNNING_TOOL + "\",\"arguments\":" + EverythingTools.longRunningArguments(20, 20)
                + ",\"_meta\":{\"progressToken\":\"p1\"}}}";
    }

    private void assertFailureLogged(String route) {
        Optional<ILoggingEvent> event = logs.await(
                e -> e.getLevel() == Level.ERROR
                        && route.equals(LogCapture.fields(e).get("route")),
                Duration.ofSeconds(5));
        assertThat(event).as("an error log line for " + route).isPresent();
        Map<String, String> fields = LogCapture.fields(event.get());
        assertThat(fields).containsKey("session");
    }
}
