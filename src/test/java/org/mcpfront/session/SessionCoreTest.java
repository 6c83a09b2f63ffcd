package org.mcpfront.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mcpfront.access.Glob;
import org.mcpfront.access.Kind;
import org.mcpfront.access.RouteAccess;
import org.mcpfront.access.Rule;
import org.mcpfront.access.Visibility;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionEnded;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.bus.StreamEvent;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.Caller;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * The session's rules on their own: a fake clock and timers, a fake backend, and the events the
 * session would put on the bus.
 */
@DisplayName("The session core")
class SessionCoreTest {

    private static final SessionOwner ALICE = new SessionOwner("alice", "alice@example.com", "client");
    private static final String ROUTE = "/r";
    private static final StreamRef POST_1 = new StreamRef("edge-a", "post-1");
    private static final StreamRef POST_2 = new StreamRef("edge-a", "post-2");
    private static final StreamRef GET = new StreamRef("edge-a", "get");

    /** A clock that moves only when told, with the timers due by then. */
    static final class FakeHost implements SessionCore.Host {
        long now = 1_000_000_000L;
        long nextTimer = 1;
        final TreeMap<Long, Timer> timers = new TreeMap<>();
        final List<Sent> sent = new ArrayList<>();
        final List<SessionEnded> notices = new ArrayList<>();
        final List<SessionFacts> saved = new ArrayList<>();
        int undeploys;

        record Timer(long due, Runnable action) {}

        record Sent(StreamRef stream, StreamEvent event) {}

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long setTimer(long delayMillis, Runnable action) {
            long id = nextTimer++;
            timers.put(id, new Timer(now + TimeUnit.MILLISECONDS.toNanos(delayMillis), action));
            return id;
        }

        @Override
        public void cancelTimer(long timerId) {
            timers.remove(timerId);
        }

        @Override
        public void deliver(StreamRef stream, StreamEvent event) {
            sent.add(new Sent(stream, event));
        }

        @Override
        public void tellSupervisor(SessionEnded notice) {
            notices.add(notice);
        }

        @Override
        public void undeploy() {
            undeploys++;
        }

        @Override
        public void saveFacts(SessionFacts facts, long ttlMillis) {
            saved.add(facts);
        }

        SessionFacts lastSaved() {
            return saved.get(saved.size() - 1);
        }

        /** Moves the clock on, running each timer that falls due, in order. */
        void advance(long millis) {
            long until = now + TimeUnit.MILLISECONDS.toNanos(millis);
            while (true) {
                Map.Entry<Long, Timer> next = timers.entrySet().stream()
                        .filter(e -> e.getValue().due() <= until)
                        .min((a, b) ->
                                Long.compare(a.getValue().due(), b.getValue().due()))
                        .orElse(null);
                if (next == null) {
                    break;
                }
                timers.remove(next.getKey());
                now = Math.max(now, next.getValue().due());
                next.getValue().action().run();
            }
            now = until;
        }

        /** The session may know a connection by its resumable key too. */
        static boolean sameConnection(StreamRef a, StreamRef b) {
            return a.inbox().equals(b.inbox()) && a.streamId().equals(b.streamId());
        }

        List<StreamEvent.Message> messagesOn(StreamRef stream) {
            return sent.stream()
                    .filter(s -> sameConnection(s.stream(), stream) && s.event() instanceof StreamEvent.Message)
                    .map(s -> (StreamEvent.Message) s.event())
                    .toList();
        }

        List<StreamEvent.End> endsOn(StreamRef stream) {
            return sent.stream()
                    .filter(s -> sameConnection(s.stream(), stream) && s.event() instanceof StreamEvent.End)
                    .map(s -> (StreamEvent.End) s.event())
                    .toList();
        }
    }

    /** Takes what the session sends it; answers only when the test says so. */
    static final class FakeBackend implements Backend {
        final List<JsonRpcMessage> received = new ArrayList<>();
        final List<String> versions = new ArrayList<>();
        /** pause and resume calls, in order. */
        final List<String> flow = new ArrayList<>();

        @Override
        public void pause() {
            flow.add("pause");
        }

        @Override
        public void resume() {
            flow.add("resume");
        }

        @Override
        public Future<Void> open() {
            return Future.succeededFuture();
        }

        @Override
        public void send(JsonRpcMessage message) {
            received.add(message);
        }

        @Override
        public void protocolVersion(String version) {
            versions.add(version);
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }
    }

    /** What the session answered to one command. */
    static final class Answer implements SessionCore.Ack {
        Integer status;
        String message;

        @Override
        public void ok() {
            status = 200;
        }

        @Override
        public void fail(int code, String reason) {
            status = code;
            message = reason;
        }
    }

    private FakeHost host;
    private FakeBackend backend;
    private RouteConfig route;

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost();
        backend = new FakeBackend();
        route = route("timeout: 60s, request_timeout: 10s");
    }

    private static RouteConfig route(String settings) throws Exception {
        String yaml = """
                oauth:
                  issuer: "http://localhost:8080"
                  identity: dev
                  allowed_domains: [example.com]
                routes:
                  - { path: %s, type: stdio, command: [fake], %s }
                """.formatted(ROUTE, settings);
        return ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), Map.of())
                .route(ROUTE)
                .orElseThrow();
    }

    private SessionCore open(ClientTransport transport, StreamRef standalone) {
        SessionCore core = new SessionCore(
                new SessionSpec("s1", route, transport, standalone, ALICE),
                host,
                new GatewayMetrics(new SimpleMeterRegistry()));
        core.backend(backend);
        assertThat(core.started()).isNull();
        assertThat(core.state()).isEqualTo(SessionCore.State.OPEN);
        return core;
    }

    private SessionCore open() {
        return open(ClientTransport.STREAMABLE, null);
    }

    private static JsonRpcMessage rpc(String json) {
        try {
            return JsonRpcMessage.parse(json);
        } catch (JsonRpcException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String owner() {
        return ALICE.binding(ROUTE);
    }

    private static Answer deliver(SessionCore core, String json, StreamRef stream) {
        return deliver(core, json, stream, false);
    }

    private static Answer deliver(SessionCore core, String json, StreamRef stream, boolean jsonOnly) {
        Answer answer = new Answer();
        core.onClient(new SessionCommand.Deliver(owner(), rpc(json), stream, jsonOnly, null, null), answer);
        return answer;
    }

    private static Answer attach(SessionCore core, StreamRef stream) {
        Answer answer = new Answer();
        core.onClient(new SessionCommand.Attach(owner(), stream), answer);
        return answer;
    }

    private static String call(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}";
    }

    private static String result(Object id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}";
    }

    private static String notification(String method) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":{}}";
    }

    private static JsonObject json(StreamEvent.Message message) {
        return new JsonObject(message.raw());
    }

    @Nested
    @DisplayName("routes")
    class Routing {

        @Test
        @DisplayName("a response to the stream of its request, last when nothing else waits on it")
        void responseToItsStream() {
            SessionCore core = open();
            assertThat(deliver(core, call(1), POST_1).status).isEqualTo(200);
            assertThat(deliver(core, call(2), POST_2).status).isEqualTo(200);
            assertThat(backend.received).extracting(JsonRpcMessage::idKey).containsExactly("1", "2");

            core.onMessage(result(2), null);
            core.onMessage(result(1), null);

            assertThat(host.messagesOn(POST_1)).singleElement().satisfies(m -> {
                assertThat(json(m).getInteger("id")).isEqualTo(1);
                assertThat(m.last()).isTrue();
            });
            assertThat(host.messagesOn(POST_2))
                    .singleElement()
                    .satisfies(m -> assertThat(m.last()).isTrue());
        }

        @Test
        @DisplayName("a list answer loses what the request's visibility hides; other answers pass byte for byte")
        void listAnswersFiltered() {
            SessionCore core = open();
            Visibility noDeletes = new RouteAccess(
                            Optional.empty(),
                            Map.of(
                                    Kind.TOOL,
                                    List.of(new Rule(
                                            "access.tools[0]",
                                            false,
                                            List.of(Glob.parse("delete_*")),
                                            List.of(),
                                            List.of()))),
                            Optional.empty())
                    .visibilityFor(Caller.of("alice@example.com"), Map.of());
            Answer answer = new Answer();
            core.onClient(
                    new SessionCommand.Deliver(
                            owner(),
                            rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"),
                            POST_1,
                            false,
                            null,
                            noDeletes),
                    answer);
            core.onClient(
                    new SessionCommand.Deliver(owner(), rpc(call(2)), POST_2, false, null, noDeletes), new Answer());
            core.onMessage(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"echo\"},"
                            + "{\"name\":\"delete_all\"}]}}",
                    null);
            String untouched = "{\"jsonrpc\":\"2.0\", \"id\":2,\"result\":{\"tools\":[{\"name\":\"delete_all\"}]}}";
            core.onMessage(untouched, null);
            assertThat(json(host.messagesOn(POST_1).get(0)).getJsonObject("result").getJsonArray("tools").stream()
                            .map(t -> ((JsonObject) t).getString("name"))
                            .toList())
                    .containsExactly("echo");
            assertThat(host.messagesOn(POST_2).get(0).raw()).isEqualTo(untouched);
        }

        @Test
        @DisplayName("a response is not the last on a stream that still carries another request")
        void notLastWhileAnotherWaits() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            deliver(core, call(2), POST_1);
            core.onMessage(result(1), null);
            core.onMessage(result(2), null);
            assertThat(host.messagesOn(POST_1))
                    .extracting(StreamEvent.Message::last)
                    .containsExactly(false, true);
        }

        @Test
        @DisplayName("a server message related to a request in flight rides that request's stream")
        void relatedRidesTheRequestStream() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            core.onMessage(
                    "{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"method\":\"sampling/createMessage\",\"params\":{}}", "1");
            assertThat(host.messagesOn(POST_1)).singleElement().satisfies(m -> {
                assertThat(json(m).getString("method")).isEqualTo("sampling/createMessage");
                assertThat(m.last()).isFalse();
            });
        }

        @Test
        @DisplayName("progress finds its request by the progress token")
        void progressByToken() {
            SessionCore core = open();
            deliver(
                    core,
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\","
                            + "\"_meta\":{\"progressToken\":\"tok\"}}}",
                    POST_1);
            core.onMessage(
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                            + "\"params\":{\"progressToken\":\"tok\",\"progress\":1}}",
                    null);
            assertThat(host.messagesOn(POST_1)).hasSize(1);
            core.onMessage(result(7), null);
            // The token is forgotten with its request: later progress has no request to ride.
            core.onMessage(
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                            + "\"params\":{\"progressToken\":\"tok\",\"progress\":2}}",
                    null);
            assertThat(host.messagesOn(POST_1)).hasSize(2);
        }

        @Test
        @DisplayName("a request that takes a single JSON answer carries nothing but that answer")
        void jsonOnlyTakesOnlyItsAnswer() {
            SessionCore core = open();
            attach(core, GET);
            deliver(core, call(1), POST_1, true);
            core.onMessage(notification("notifications/message"), "1");
            assertThat(host.messagesOn(POST_1)).isEmpty();
            assertThat(host.messagesOn(GET)).hasSize(1);
        }

        @Test
        @DisplayName("unrelated messages wait, at most 1000 of them, and are flushed in order when a stream attaches")
        void standaloneQueue() {
            SessionCore core = open();
            for (int i = 0; i < SessionCore.MAX_UNDELIVERED + 5; i++) {
                core.onMessage(
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"n\":" + i + "}}",
                        null);
            }
            assertThat(host.sent).isEmpty();
            assertThat(attach(core, GET).status).isEqualTo(200);
            List<StreamEvent.Message> flushed = host.messagesOn(GET);
            assertThat(flushed).hasSize(SessionCore.MAX_UNDELIVERED);
            assertThat(json(flushed.get(0)).getJsonObject("params").getInteger("n"))
                    .as("the oldest were dropped")
                    .isEqualTo(5);
            assertThat(json(flushed.get(flushed.size() - 1))
                            .getJsonObject("params")
                            .getInteger("n"))
                    .isEqualTo(SessionCore.MAX_UNDELIVERED + 4);
            core.onMessage(notification("notifications/tools/list_changed"), null);
            assertThat(host.messagesOn(GET)).hasSize(SessionCore.MAX_UNDELIVERED + 1);
        }

        @Test
        @DisplayName("a second standalone stream is refused; after a detach the queue takes over again")
        void oneStandaloneStream() {
            SessionCore core = open();
            attach(core, GET);
            Answer second = attach(core, new StreamRef("edge-b", "get-2"));
            assertThat(second.status).isEqualTo(409);
            core.onClient(new SessionCommand.Detach(owner(), GET), new Answer());
            core.onMessage(notification("notifications/message"), null);
            assertThat(host.messagesOn(GET)).isEmpty();
            assertThat(attach(core, new StreamRef("edge-b", "get-2")).status).isEqualTo(200);
            assertThat(host.messagesOn(new StreamRef("edge-b", "get-2"))).hasSize(1);
        }

        @Test
        @DisplayName("the backend is paused while any client stream is full, and resumed once all drained or went")
        void backpressure() {
            SessionCore core = open();
            attach(core, GET);
            deliver(core, call(1), POST_1);
            core.onClient(new SessionCommand.Flow(owner(), GET, true), new Answer());
            core.onClient(new SessionCommand.Flow(owner(), POST_1, true), new Answer());
            assertThat(backend.flow).containsExactly("pause");
            core.onClient(new SessionCommand.Flow(owner(), GET, false), new Answer());
            assertThat(backend.flow).as("POST_1 is still full").containsExactly("pause");
            core.onClient(new SessionCommand.Detach(owner(), POST_1), new Answer());
            assertThat(backend.flow).containsExactly("pause", "resume");
            Answer stranger = new Answer();
            core.onClient(new SessionCommand.Flow("someone else", GET, true), stranger);
            assertThat(stranger.status).isEqualTo(404);
            assertThat(backend.flow).containsExactly("pause", "resume");
        }

        @Test
        @DisplayName("legacy SSE: responses to requests without a stream of their own go to the session's stream")
        void legacySse() {
            SessionCore core = open(ClientTransport.SSE, GET);
            deliver(core, call(1), null);
            core.onMessage(result(1), null);
            assertThat(host.messagesOn(GET))
                    .singleElement()
                    .satisfies(m -> assertThat(m.last()).isFalse());
        }

        @Test
        @DisplayName("a response for a client that went away is dropped, not sent elsewhere")
        void goneClient() {
            SessionCore core = open();
            attach(core, GET);
            deliver(core, call(1), POST_1);
            core.onClient(new SessionCommand.Detach(owner(), POST_1), new Answer());
            core.onMessage(result(1), null);
            assertThat(host.sent).isEmpty();
        }

        @Test
        @DisplayName("the same request id twice in flight is refused; the session answers only its owner")
        void refusals() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            assertThat(deliver(core, call(1), POST_2).status).isEqualTo(409);
            Answer stranger = new Answer();
            core.onClient(
                    new SessionCommand.Deliver(
                            new SessionOwner("bob", "b@example.com", "client").binding(ROUTE),
                            rpc(call(2)),
                            POST_2,
                            false,
                            null,
                            null),
                    stranger);
            assertThat(stranger.status).isEqualTo(404);
            assertThat(backend.received).hasSize(1);
        }

        @Test
        @DisplayName("a client's cancel forgets the request and ends its stream")
        void clientCancel() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            deliver(
                    core,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}",
                    null);
            assertThat(core.awaitingResponse("1")).isFalse();
            assertThat(host.endsOn(POST_1))
                    .singleElement()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo("request cancelled"));
            assertThat(backend.received)
                    .extracting(JsonRpcMessage::method)
                    .containsExactly("tools/call", "notifications/cancelled");
        }

        @Test
        @DisplayName("the initialize answer tells the backend the negotiated version")
        void negotiatedVersion() {
            SessionCore core = open();
            deliver(core, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}", POST_1);
            core.onMessage("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"protocolVersion\":\"2025-06-18\"}}", null);
            assertThat(backend.versions).containsExactly("2025-06-18");
        }
    }

    @Nested
    @DisplayName("2026-07-28 clients")
    class Modern {

        @Test
        @DisplayName("get session-unique ids on the way in and their own back on the way out")
        void idRemapping() {
            SessionCore core = open(ClientTransport.MODERN, null);
            deliver(core, call(1), POST_1);
            deliver(core, call(1), POST_2);
            assertThat(backend.received).extracting(JsonRpcMessage::idKey).containsExactly("\"mf-1\"", "\"mf-2\"");
            assertThat(core.clientIdKey("\"mf-2\"")).isEqualTo("1");
            core.onMessage(result("\"mf-2\""), null);
            assertThat(host.messagesOn(POST_2))
                    .singleElement()
                    .satisfies(m -> assertThat(json(m).getInteger("id")).isEqualTo(1));
            assertThat(host.messagesOn(POST_1)).isEmpty();
        }

        @Test
        @DisplayName("closing a request's stream cancels the request at the backend")
        void streamCloseCancels() {
            SessionCore core = open(ClientTransport.MODERN, null);
            deliver(core, call(1), POST_1);
            core.onClient(new SessionCommand.Detach(owner(), POST_1), new Answer());
            assertThat(core.awaitingResponse("\"mf-1\"")).isFalse();
            JsonRpcMessage cancel = backend.received.get(1);
            assertThat(cancel.method()).isEqualTo("notifications/cancelled");
            assertThat(cancel.params().getString("requestId")).isEqualTo("mf-1");
        }

        @Test
        @DisplayName("a message that belongs to no request is dropped: there is no stream for it")
        void noStandalone() {
            SessionCore core = open(ClientTransport.MODERN, null);
            core.onMessage(notification("notifications/tools/list_changed"), null);
            attach(core, GET);
            assertThat(host.sent).isEmpty();
        }
    }

    @Nested
    @DisplayName("times out")
    class Timeouts {

        @Test
        @DisplayName("a request after request_timeout: the client gets the error, the backend a cancel")
        void requestTimeout() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            host.advance(9_999);
            assertThat(host.sent).isEmpty();
            host.advance(1);
            assertThat(host.messagesOn(POST_1)).singleElement().satisfies(m -> {
                assertThat(json(m).getJsonObject("error").getInteger("code")).isEqualTo(JsonRpcErrors.REQUEST_TIMEOUT);
                assertThat(m.last()).isTrue();
            });
            assertThat(backend.received.get(1).method()).isEqualTo("notifications/cancelled");
            core.onMessage(result(1), null);
            assertThat(host.messagesOn(POST_1))
                    .as("a late answer has no request")
                    .hasSize(1);
        }

        @Test
        @DisplayName("an answered request's timer is cancelled")
        void answeredInTime() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            core.onMessage(result(1), null);
            host.advance(20_000);
            assertThat(host.messagesOn(POST_1)).hasSize(1);
        }

        @Test
        @DisplayName("a subscription has no request timeout and survives a lost backend stream")
        void listenStaysOpen() {
            SessionCore core = open();
            deliver(core, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscriptions/listen\",\"params\":{}}", POST_1);
            deliver(core, call(2), POST_2);
            core.onInFlightLost("stream broke");
            assertThat(host.messagesOn(POST_2))
                    .singleElement()
                    .satisfies(m -> assertThat(json(m).getJsonObject("error").getInteger("code"))
                            .isEqualTo(JsonRpcErrors.BACKEND_UNAVAILABLE));
            host.advance(59_000);
            assertThat(core.awaitingResponse("1")).isTrue();
        }

        @Test
        @DisplayName("an idle session ends after the route's timeout; a request in flight holds it open")
        void idle() {
            SessionCore core = open(ClientTransport.STREAMABLE, null);
            attach(core, GET);
            host.advance(30_000);
            deliver(core, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscriptions/listen\",\"params\":{}}", POST_1);
            host.advance(120_000);
            assertThat(core.state()).as("held open by the request in flight").isEqualTo(SessionCore.State.OPEN);
            core.onMessage(result(1), null);
            host.advance(59_000);
            assertThat(core.state()).isEqualTo(SessionCore.State.OPEN);
            host.advance(60_000);
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDING);
            assertThat(host.notices).singleElement().satisfies(n -> {
                assertThat(n.sessionId()).isEqualTo("s1");
                assertThat(n.startFailure()).isNull();
            });
            assertThat(host.undeploys).isEqualTo(1);
            core.drain();
            assertThat(host.endsOn(GET))
                    .singleElement()
                    .satisfies(e -> assertThat(e.reason()).startsWith("idle for 60 s"));
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDED);
        }
    }

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {

        private SessionCore starting() {
            SessionCore core = new SessionCore(
                    new SessionSpec("s1", route, ClientTransport.STREAMABLE, null, ALICE),
                    host,
                    new GatewayMetrics(new SimpleMeterRegistry()));
            core.backend(backend);
            assertThat(core.state()).isEqualTo(SessionCore.State.STARTING);
            return core;
        }

        @Test
        @DisplayName("a backend that fails while the session starts fails the start, without a notice")
        void failsWhileStarting() {
            SessionCore core = starting();
            core.onFailure("exit", "exited with code 1");
            assertThat(core.started()).isEqualTo("exited with code 1");
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDED);
            assertThat(host.notices).isEmpty();
            assertThat(host.timers).isEmpty();
        }

        @Test
        @DisplayName("a backend that fails before anyone spoke lingers to tell the client's first request why")
        void lingersForTheFirstRequest() {
            SessionCore core = open();
            core.onFailure("exit", "exited with code 3");
            assertThat(core.state()).isEqualTo(SessionCore.State.LINGERING);
            assertThat(host.notices).isEmpty();

            Answer answer = deliver(core, call(1), POST_1);

            assertThat(answer.status).isEqualTo(200);
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDING);
            assertThat(host.notices)
                    .singleElement()
                    .satisfies(n -> assertThat(n.startFailure()).isEqualTo("exited with code 3"));
            assertThat(host.messagesOn(POST_1)).singleElement().satisfies(m -> {
                JsonObject error = json(m).getJsonObject("error");
                assertThat(error.getInteger("code")).isEqualTo(JsonRpcErrors.BACKEND_UNAVAILABLE);
                assertThat(error.getString("message")).contains("exited with code 3");
            });
            assertThat(backend.received).as("nothing reaches a dead backend").isEmpty();
            assertThat(host.undeploys).isEqualTo(1);
            host.advance(SessionCore.LINGER_MS);
            assertThat(host.undeploys)
                    .as("the linger timer finds the session ended")
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("a lingering session nobody speaks to ends after the linger")
        void lingerEnds() {
            SessionCore core = open();
            core.onFailure("exit", "exited with code 3");
            host.advance(SessionCore.LINGER_MS - 1);
            assertThat(host.undeploys).isZero();
            host.advance(1);
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDING);
            assertThat(host.undeploys).isEqualTo(1);
            assertThat(host.notices)
                    .singleElement()
                    .satisfies(n -> assertThat(n.startFailure()).isEqualTo("exited with code 3"));
        }

        @Test
        @DisplayName(
                "a backend that fails after it answered ends the session; requests in flight get the backend's error")
        void failsLater() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            core.onMessage(result(1), null);
            deliver(core, call(2), POST_2);
            core.onFailure("exit", "killed");
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDING);
            assertThat(host.notices)
                    .singleElement()
                    .satisfies(n -> assertThat(n.startFailure()).isNull());
            assertThat(deliver(core, call(3), POST_1).status)
                    .as("no request once ending")
                    .isEqualTo(404);
            core.onFailure("exit", "again");
            assertThat(host.notices).hasSize(1);
            core.drain();
            assertThat(host.messagesOn(POST_2)).singleElement().satisfies(m -> {
                assertThat(json(m).getJsonObject("error").getInteger("code"))
                        .isEqualTo(JsonRpcErrors.BACKEND_UNAVAILABLE);
                assertThat(json(m).getJsonObject("error").getString("message")).contains("killed");
            });
            assertThat(host.endsOn(POST_2)).hasSize(1);
            assertThat(host.timers).as("no timer left behind").isEmpty();
        }

        @Test
        @DisplayName("a replacement backend that fails before it answers counts as a start failure for the back-off")
        void replacementFailsToStart() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            core.onMessage(result(1), null);
            core.onFailure(SessionCore.START, "a new process for the session could not be started");
            assertThat(host.notices)
                    .singleElement()
                    .satisfies(n -> assertThat(n.startFailure())
                            .isEqualTo("a new process for the session could not be started"));
        }

        @Test
        @DisplayName("stopped with mcp-front: requests in flight hear it, no notice to the stopping supervisor")
        void shutdown() {
            SessionCore core = open();
            deliver(core, call(1), POST_1);
            core.drain();
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDED);
            assertThat(host.notices).isEmpty();
            assertThat(host.messagesOn(POST_1)).singleElement().satisfies(m -> {
                assertThat(json(m).getJsonObject("error").getInteger("code")).isEqualTo(JsonRpcErrors.INTERNAL_ERROR);
                assertThat(json(m).getJsonObject("error").getString("message")).contains("shutting down");
            });
        }

        @Test
        @DisplayName("a client's close ends the session once")
        void close() {
            SessionCore core = open();
            Answer answer = new Answer();
            core.onClient(new SessionCommand.Close(owner(), null), answer);
            core.onClient(new SessionCommand.Close(owner(), null), new Answer());
            assertThat(answer.status).isEqualTo(200);
            assertThat(host.undeploys).isEqualTo(1);
            assertThat(host.notices).hasSize(1);
        }
    }

    @Nested
    @DisplayName("keeps its facts for adoption")
    class Facts {

        private SessionCore open(ClientTransport transport, SessionFacts facts) {
            SessionCore core = new SessionCore(
                    new SessionSpec("s1", route, transport, facts.standalone(), ALICE),
                    host,
                    new GatewayMetrics(new SimpleMeterRegistry()),
                    facts);
            core.backend(backend);
            assertThat(core.started()).isNull();
            return core;
        }

        private SessionFacts fresh(ClientTransport transport) {
            return new SessionFacts("s1", ROUTE, ALICE, transport, null, null, false, null, null, "node-a", 0);
        }

        @Test
        @DisplayName(
                "when they change: opened, initialize, its version, initialized, the standalone stream, the upstream "
                        + "id")
        void savedOnChange() {
            SessionCore core = open(ClientTransport.STREAMABLE, fresh(ClientTransport.STREAMABLE));
            assertThat(host.saved).hasSize(1);
            String initialize = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}";
            deliver(core, initialize, POST_1);
            assertThat(host.lastSaved().initialize()).isEqualTo(initialize);
            core.onMessage("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"protocolVersion\":\"2025-06-18\"}}", null);
            assertThat(host.lastSaved().protocolVersion()).isEqualTo("2025-06-18");
            deliver(core, notification("notifications/initialized"), null);
            assertThat(host.lastSaved().initialized()).isTrue();
            core.onUpstreamSession("up-1");
            assertThat(host.lastSaved().upstreamSessionId()).isEqualTo("up-1");
            attach(core, GET);
            assertThat(host.lastSaved().standalone()).isEqualTo(GET);
            int writes = host.saved.size();
            deliver(core, call(1), POST_1);
            core.onUpstreamSession("up-1");
            assertThat(host.saved)
                    .as("a call within the first half of the TTL writes nothing")
                    .hasSize(writes);
            core.onClient(new SessionCommand.Detach(owner(), GET), new Answer());
            assertThat(host.lastSaved().standalone()).isNull();
            assertThat(host.lastSaved())
                    .extracting(SessionFacts::node, SessionFacts::initialized, SessionFacts::upstreamSessionId)
                    .containsExactly("node-a", true, "up-1");
        }

        @Test
        @DisplayName("refreshed by use once half the idle timeout has passed, and no more once ending")
        void refreshedByUse() {
            SessionCore core = open(ClientTransport.STREAMABLE, fresh(ClientTransport.STREAMABLE));
            deliver(core, call(1), POST_1);
            core.onMessage(result(1), null);
            host.advance(29_000);
            deliver(core, call(2), POST_1);
            assertThat(host.saved).hasSize(1);
            host.advance(2_000);
            deliver(core, call(3), POST_1);
            assertThat(host.saved).hasSize(2);
            core.end("closed by client");
            host.advance(31_000);
            deliver(core, call(4), POST_1);
            assertThat(host.saved).hasSize(2);
        }

        @Test
        @DisplayName("an adopted session's inherited stream gives way to the one its client opens now")
        void inheritedStream() {
            SessionFacts adopted = fresh(ClientTransport.SSE)
                    .withInitialize("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}")
                    .withInitialized()
                    .withStandalone(GET)
                    .adoptedBy("node-b");
            SessionCore core = open(ClientTransport.SSE, adopted);
            StreamRef fresh = new StreamRef("edge-b", "sse-2");
            assertThat(attach(core, fresh).status).isEqualTo(200);
            assertThat(host.lastSaved().standalone().inbox())
                    .as("the new stream is the session's now")
                    .isEqualTo("edge-b");
            assertThat(host.lastSaved().standalone().streamId()).isEqualTo("sse-2");
            assertThat(host.lastSaved().epoch()).isEqualTo(1);
        }

        @Test
        @DisplayName("an adopted session does not linger: its client spoke long ago")
        void adoptedDoesNotLinger() {
            SessionFacts adopted = fresh(ClientTransport.STREAMABLE)
                    .withInitialize("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}")
                    .adoptedBy("node-b");
            SessionCore core = open(ClientTransport.STREAMABLE, adopted);
            core.onFailure("connect", "refused");
            assertThat(core.state()).isEqualTo(SessionCore.State.ENDING);
            assertThat(host.notices)
                    .singleElement()
                    .satisfies(n -> assertThat(n.startFailure()).isNull());
        }
    }
}
