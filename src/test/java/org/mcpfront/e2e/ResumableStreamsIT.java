package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.HalfOpenRelay;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.NodeScript;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.SseReader;
import org.mcpfront.testing.TestTokens;
import org.mcpfront.transport.SseParser;

/**
 * Resumable client streams on one instance with memory storage (the 2025-11-25 transport's
 * resumability, and the legacy SSE stream's): a stream cut after event k and resumed with
 * {@code Last-Event-ID: k} gets events k+1… exactly once, in order, then live ones; SEP-1699's priming
 * event and server-initiated disconnect keep the TypeScript SDK client's answers coming.
 */
@DisplayName("Resumable client streams")
@Timeout(300)
class ResumableStreamsIT {

    private static final String ROUTE = "/t";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        front = FrontHarness.start("""
                - path: "%s"
                  type: stdio
                  command: ["node", "%s"]
                """.formatted(ROUTE, NodeTools.script("stdio-test-server.mjs")));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front);
    }

    private static String mcp() {
        return front.url(ROUTE + "/mcp");
    }

    private static String initialize() {
        HttpResponse<String> init = RawHttp.send(RawHttp.mcpPost(mcp(), RawHttp.INITIALIZE));
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(RawHttp.send(RawHttp.mcpPost(mcp(), INITIALIZED).header("Mcp-Session-Id", session))
                        .statusCode())
                .isEqualTo(202);
        return session;
    }

    private static String ticks(int id, int count, int ms, boolean progress) {
        String meta = progress ? ",\"_meta\":{\"progressToken\":\"p" + id + "\"}" : "";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"ticks\","
                + "\"arguments\":{\"count\":" + count + ",\"ms\":" + ms + "}" + meta + "}}";
    }

    /** A POST whose answer must be an SSE stream from the start (the client accepts nothing else). */
    private static HttpRequest.Builder ssePost(String session, String body) {
        return RawHttp.request(mcp())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpRequest.Builder resume(String session, String lastEventId) {
        HttpRequest.Builder get =
                RawHttp.request(mcp()).header("Accept", "text/event-stream").header("Mcp-Session-Id", session);
        return lastEventId == null ? get : get.header("Last-Event-ID", lastEventId);
    }

    private static long seq(String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    private static String key(String id) {
        return id.substring(0, id.lastIndexOf('-'));
    }

    private static Integer progressOf(SseParser.Event event) {
        JsonObject params = new JsonObject(event.data()).getJsonObject("params");
        return params == null ? null : params.getInteger("progress");
    }

    /** Ids of one stream, one after another, none twice. */
    private static void assertConsecutive(List<SseParser.Event> events, String key, long from) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).id()).as("event " + i + " of " + events).isEqualTo(key + "-" + (from + i));
        }
    }

    @Test
    @DisplayName("a POST stream cut after event k, resumed by GET with Last-Event-ID k: events k+1… and the response, "
            + "once, in order")
    void postStreamCutAfterK() {
        String session = initialize();
        SseReader post = SseReader.open(ssePost(session, ticks(7, 6, 250, true)));
        assertThat(post.response().statusCode()).isEqualTo(200);
        SseParser.Event priming = post.next();
        assertThat(priming.data()).as("SEP-1699 priming event: an id, no data").isEmpty();
        assertThat(priming.id()).endsWith("-0").startsWith(session + ".");
        assertThat(priming.retryMillis()).isEqualTo(1000L);
        String key = key(priming.id());
        List<SseParser.Event> before = List.of(post.next(), post.next());
        assertConsecutive(before, key, 1);
        assertThat(before).extracting(ResumableStreamsIT::progressOf).containsExactly(1, 2);
        post.close();

        List<SseParser.Event> after;
        try (SseReader get = SseReader.open(resume(session, before.get(1).id()))) {
            assertThat(get.response().statusCode()).isEqualTo(200);
            after = get.rest();
        }
        assertConsecutive(after, key, 3);
        assertThat(after).hasSize(5);
        assertThat(after.subList(0, 4))
                .extracting(ResumableStreamsIT::progressOf)
                .containsExactly(3, 4, 5, 6);
        JsonObject response = new JsonObject(after.get(4).data());
        assertThat(response.getInteger("id")).isEqualTo(7);
        assertThat(response.getJsonObject("result")
                        .getJsonArray("content")
                        .getJsonObject(0)
                        .getString("text"))
                .isEqualTo("ticked 6");

        HttpResponse<String> complete =
                RawHttp.send(resume(session, after.get(4).id()));
        assertThat(complete.statusCode())
                .as("the client has all of that stream: nothing to resume")
                .isEqualTo(204);
        HttpResponse<String> again = RawHttp.send(resume(session, before.get(0).id()));
        assertThat(RawHttp.messages(again))
                .as("a second resume from an earlier id replays the same events")
                .hasSize(6)
                .last()
                .extracting(m -> m.getInteger("id"))
                .isEqualTo(7);
    }

    @Test
    @DisplayName("a POST stream cut before anything but its priming event: the resuming GET gets every message and the "
            + "response")
    void postStreamCutBeforeResponse() {
        String session = initialize();
        SseReader post = SseReader.open(ssePost(session, ticks(3, 3, 300, true)));
        String priming = post.next().id();
        post.close();
        try (SseReader get = SseReader.open(resume(session, priming))) {
            List<SseParser.Event> events = get.rest();
            assertConsecutive(events, key(priming), 1);
            assertThat(events).hasSize(4);
            assertThat(new JsonObject(events.get(3).data()).getInteger("id")).isEqualTo(3);
        }
        // The session carries on as if nothing happened.
        assertThat(RawHttp.lastMessage(RawHttp.send(
                                RawHttp.mcpPost(mcp(), ticks(4, 1, 10, false)).header("Mcp-Session-Id", session)))
                        .getInteger("id"))
                .isEqualTo(4);
    }

    @Test
    @DisplayName(
            "the GET stream cut after event k and resumed: what was sent meanwhile once, in order, then live messages")
    void getStreamCutAfterK() {
        String session = initialize();
        SseReader get = SseReader.open(resume(session, null));
        SseParser.Event priming = get.next();
        assertThat(priming.data()).isEmpty();
        String key = key(priming.id());
        // Log messages belong to no request's stream: they ride the GET stream.
        HttpResponse<String> call =
                RawHttp.send(RawHttp.mcpPost(mcp(), ticks(5, 5, 100, false)).header("Mcp-Session-Id", session));
        assertThat(RawHttp.lastMessage(call).getInteger("id")).isEqualTo(5);
        List<SseParser.Event> before = List.of(get.next(), get.next());
        assertConsecutive(before, key, 1);
        get.close();

        try (SseReader back = SseReader.open(resume(session, before.get(1).id()))) {
            List<SseParser.Event> missed = List.of(back.next(), back.next(), back.next());
            assertConsecutive(missed, key, 3);
            assertThat(missed)
                    .extracting(e ->
                            new JsonObject(e.data()).getJsonObject("params").getString("data"))
                    .containsExactly("tick 3", "tick 4", "tick 5");
            RawHttp.send(RawHttp.mcpPost(mcp(), ticks(6, 1, 10, false)).header("Mcp-Session-Id", session));
            SseParser.Event live = back.next();
            assertThat(live.id())
                    .as("the next live message, nothing repeated before it")
                    .isEqualTo(key + "-6");
            assertThat(new JsonObject(live.data()).getJsonObject("params").getString("data"))
                    .isEqualTo("tick 1");
        }
    }

    @Test
    @DisplayName(
            "legacy SSE: a stream lost without a close, resumed with Last-Event-ID, keeps its session and endpoint, "
                    + "and gets what it missed once")
    void legacyStream() throws Exception {
        // The client's network vanishes: mcp-front sees no close, and the session lives on.
        HalfOpenRelay network = HalfOpenRelay.to(front.port());
        SseReader sse = SseReader.open(RawHttp.request("http://127.0.0.1:" + network.port() + ROUTE + "/sse")
                .header("Accept", "text/event-stream"));
        SseParser.Event endpoint = sse.next();
        assertThat(endpoint.name()).isEqualTo("endpoint");
        String session = endpoint.data().replaceFirst("^.*sessionId=", "");
        String messages = front.url(endpoint.data());
        assertThat(RawHttp.send(RawHttp.mcpPost(messages, RawHttp.INITIALIZE)).statusCode())
                .isEqualTo(202);
        SseParser.Event initialized = sse.next();
        assertThat(new JsonObject(initialized.data()).getInteger("id")).isEqualTo(1);
        String key = key(initialized.id());
        RawHttp.send(RawHttp.mcpPost(messages, INITIALIZED));
        RawHttp.send(RawHttp.mcpPost(messages, ticks(2, 5, 200, false)));
        SseParser.Event first = sse.next();
        assertConsecutive(List.of(initialized, first), key, seq(initialized.id()));
        network.loseClients();
        sse.close();

        try (SseReader back = SseReader.open(RawHttp.request(front.url(ROUTE + "/sse"))
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", first.id()))) {
            SseParser.Event again = back.next();
            assertThat(again.name()).isEqualTo("endpoint");
            assertThat(again.data()).as("the same session").isEqualTo(endpoint.data());
            assertThat(again.id())
                    .as("the endpoint event leaves the client's last id alone")
                    .isNull();
            List<SseParser.Event> missed = new ArrayList<>();
            while (missed.isEmpty()
                    || !new JsonObject(missed.get(missed.size() - 1).data()).containsKey("id")) {
                missed.add(back.next());
            }
            assertConsecutive(missed, key, seq(first.id()) + 1);
            assertThat(missed).hasSize(5);
            assertThat(missed.subList(0, 4))
                    .extracting(e ->
                            new JsonObject(e.data()).getJsonObject("params").getString("data"))
                    .containsExactly("tick 2", "tick 3", "tick 4", "tick 5");
            // The session goes on on the new stream.
            assertThat(RawHttp.send(RawHttp.mcpPost(messages, ticks(9, 1, 10, false)))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(new JsonObject(back.next().data())
                            .getJsonObject("params")
                            .getString("data"))
                    .isEqualTo("tick 1");
            assertThat(new JsonObject(back.next().data()).getInteger("id")).isEqualTo(9);
            assertThat(session).isNotBlank();
        } finally {
            network.close();
        }
    }

    @Test
    @DisplayName("only the session's owner resumes a stream; an ended session answers 404 to a resume")
    void ownerAndEnd() {
        String session = initialize();
        SseReader post = SseReader.open(ssePost(session, ticks(2, 2, 100, true)));
        String priming = post.next().id();
        post.close();
        String mallory = "Bearer " + TestTokens.mintFor("mallory", TestTokens.ISSUER, List.of(TestTokens.ISSUER));
        try (LogCapture logs = new LogCapture()) {
            HttpResponse<String> stolen = RawHttp.send(resume(session, priming).setHeader("Authorization", mallory));
            assertThat(stolen.statusCode()).isEqualTo(404);
            assertThat(logs.await(
                            e -> e.getFormattedMessage().startsWith("refused a request for this session"),
                            Duration.ofSeconds(10)))
                    .isPresent();
        }
        HttpResponse<String> legacyStolen = RawHttp.send(RawHttp.request(front.url(ROUTE + "/sse"))
                .setHeader("Authorization", mallory)
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", priming.replace(".p", ".s")));
        assertThat(legacyStolen.statusCode())
                .as("not someone else's session, and not a new one either")
                .isEqualTo(404);

        assertThat(RawHttp.send(RawHttp.request(mcp())
                                .header("Mcp-Session-Id", session)
                                .DELETE())
                        .statusCode())
                .isEqualTo(204);
        assertThat(RawHttp.send(resume(session, priming)).statusCode()).isEqualTo(404);
        assertThat(RawHttp.send(resume(initialize(), priming)).statusCode())
                .as("an id of another session")
                .isEqualTo(400);
    }

    @Test
    @DisplayName("server-initiated disconnect: with stream_max_duration, the TypeScript SDK client gets every answer "
            + "through GET with Last-Event-ID")
    void serverInitiatedDisconnect() {
        try (FrontHarness limited = FrontHarness.start(
                """
                - path: "%s"
                  type: stdio
                  command: ["node", "%s"]
                """.formatted(ROUTE, NodeTools.script("stdio-test-server.mjs")), "stream_max_duration: \"1s\"")) {
            NodeScript.Result run = NodeScript.run(
                    Duration.ofSeconds(120),
                    NodeTools.node(),
                    "resume-client.mjs",
                    List.of(
                            "--url",
                            limited.url(ROUTE + "/mcp"),
                            "--header",
                            "Authorization: " + TestTokens.bearer(),
                            "--calls",
                            "2",
                            "--ms",
                            "2500",
                            "--ticks",
                            "5"));
            JsonObject report = run.report();
            assertThat(report.getBoolean("ok")).as(run.stdout() + run.stderr()).isTrue();
            assertThat(report.getJsonArray("results").getList())
                    .containsExactly("slept", "ticked 5", "slept", "ticked 5");
            assertThat(report.getString("sessionAfter")).isEqualTo(report.getString("sessionBefore"));
            for (Object progress : report.getJsonArray("progress")) {
                assertThat(((JsonArray) progress).getList())
                        .as("every progress once, in order")
                        .containsExactly(1, 2, 3, 4, 5);
            }
            Set<String> resumedFrom = new HashSet<>();
            for (Object request : report.getJsonArray("requests")) {
                JsonObject r = (JsonObject) request;
                if ("GET".equals(r.getString("method")) && r.getString("lastEventId") != null) {
                    resumedFrom.add(r.getString("lastEventId"));
                }
            }
            assertThat(resumedFrom).as("the answers came over resumed streams").hasSizeGreaterThanOrEqualTo(4);
        }
    }
}
