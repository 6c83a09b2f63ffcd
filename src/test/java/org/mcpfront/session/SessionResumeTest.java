package org.mcpfront.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.EventIds;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.bus.StreamEvent;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.session.SessionCoreTest.FakeBackend;
import org.mcpfront.session.SessionCoreTest.FakeHost;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;

/** How a session hands its resumable streams to a client that reconnects with Last-Event-ID. */
@DisplayName("Resuming a session's streams")
class SessionResumeTest {

    private static final SessionOwner ALICE = new SessionOwner("alice", "alice@example.com", "client");
    private static final SessionOwner MALLORY = new SessionOwner("mallory", "mallory@example.com", "client");
    private static final String ROUTE = "/r";

    private FakeHost host;
    private FakeBackend backend;
    private RouteConfig route;

    /** The answer to a command: a status, and the text a resume answers with. */
    static final class Reply implements SessionCore.Ack {
        Integer status;
        String answer;

        @Override
        public void ok() {
            status = 200;
        }

        @Override
        public void ok(String text) {
            status = 200;
            answer = text;
        }

        @Override
        public void fail(int code, String reason) {
            status = code;
            answer = reason;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost();
        backend = new FakeBackend();
        String yaml = """
                oauth:
                  issuer: "http://localhost:8080"
                  identity: dev
                  allowed_domains: [example.com]
                routes:
                  - { path: %s, type: stdio, command: [fake], timeout: 60s, request_timeout: 30s }
                """.formatted(ROUTE);
        route = ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), Map.of())
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
        return core;
    }

    private static Reply command(SessionCore core, SessionCommand.FromClient command) {
        Reply reply = new Reply();
        core.onClient(command, reply);
        return reply;
    }

    private static JsonRpcMessage rpc(String json) {
        try {
            return JsonRpcMessage.parse(json);
        } catch (JsonRpcException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String owner(SessionOwner who) {
        return who.binding(ROUTE);
    }

    private static Reply deliver(SessionCore core, String json, StreamRef stream) {
        return command(core, new SessionCommand.Deliver(owner(ALICE), rpc(json), stream, false, null, null));
    }

    private static String progress(int n) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"t\",\"prog"
                + "ress\":"
                + n + "}}";
    }

    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"slow\",\"_meta\":{\"progressToken\":\"t\"}}}";
    private static final String RESULT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";

    @Test
    @DisplayName("a POST stream cut before its response: the response and what came before it follow the resuming GET, "
            + "with ids, once")
    void postStreamResumedByGet() {
        SessionCore core = open(ClientTransport.STREAMABLE, null);
        String key = EventIds.newKey("s1", EventIds.POST);
        StreamRef post = new StreamRef("edge-a", "p1", key);
        assertThat(deliver(core, CALL, post).status).isEqualTo(200);
        core.onMessage(progress(1), null);
        assertThat(host.messagesOn(post))
                .singleElement()
                .satisfies(m -> assertThat(m.eventId()).isEqualTo(key + "-1"));

        assertThat(command(core, new SessionCommand.Detach(owner(ALICE), post)).status)
                .isEqualTo(200);
        core.onMessage(progress(2), null);
        core.onMessage(RESULT, null);
        assertThat(host.messagesOn(post))
                .as("nothing goes to the lost connection")
                .hasSize(1);

        StreamRef get = new StreamRef("edge-b", "g1", key);
        Reply resumed = command(core, new SessionCommand.Resume(owner(ALICE), key + "-1", get));
        assertThat(resumed.answer).isEqualTo("REPLAYING");
        List<StreamEvent.Message> replayed = host.messagesOn(get);
        assertThat(replayed).extracting(StreamEvent.Message::eventId).containsExactly(key + "-2", key + "-3");
        assertThat(new JsonObject(replayed.get(0).raw()).getJsonObject("params").getInteger("progress"))
                .isEqualTo(2);
        assertThat(replayed.get(1).raw()).isEqualTo(RESULT);
        assertThat(replayed.get(1).last())
                .as("the response finishes the resumed stream")
                .isTrue();

        Reply again =
                command(core, new SessionCommand.Resume(owner(ALICE), key + "-3", new StreamRef("edge-b", "g2", key)));
        assertThat(again.answer).as("the client has all of it").isEqualTo("COMPLETE");
    }

    @Test
    @DisplayName("only the session's owner resumes its streams; an id of another session or stream is refused")
    void ownerBinding() {
        SessionCore core = open(ClientTransport.STREAMABLE, null);
        String key = EventIds.newKey("s1", EventIds.POST);
        deliver(core, CALL, new StreamRef("edge-a", "p1", key));
        core.onMessage(progress(1), null);

        assertThat(command(
                                core,
                                new SessionCommand.Resume(
                                        owner(MALLORY), key + "-0", new StreamRef("edge-m", "1", key)))
                        .status)
                .isEqualTo(404);
        String other = EventIds.newKey("s2", EventIds.POST);
        assertThat(command(
                                core,
                                new SessionCommand.Resume(
                                        owner(ALICE), other + "-0", new StreamRef("edge-m", "1", other)))
                        .status)
                .isEqualTo(400);
        assertThat(command(
                                core,
                                new SessionCommand.Resume(
                                        owner(ALICE), key + "-0", new StreamRef("edge-m", "1", "s1.pother")))
                        .status)
                .as("the new connection must name the stream it resumes")
                .isEqualTo(400);
        assertThat(host.messagesOn(new StreamRef("edge-m", "1"))).isEmpty();
        String unknown = EventIds.newKey("s1", EventIds.GET);
        assertThat(command(
                                core,
                                new SessionCommand.Resume(
                                        owner(ALICE), unknown + "-4", new StreamRef("edge-m", "1", unknown)))
                        .answer)
                .isEqualTo("UNKNOWN");
    }

    @Test
    @DisplayName(
            "the GET stream resumed on another connection gets what was sent while it was away, then live messages")
    void getStream() {
        SessionCore core = open(ClientTransport.STREAMABLE, null);
        String key = EventIds.newKey("s1", EventIds.GET);
        StreamRef get = new StreamRef("edge-a", "g1", key);
        assertThat(command(core, new SessionCommand.Attach(owner(ALICE), get)).status)
                .isEqualTo(200);
        core.onMessage(progress(1), null);
        command(core, new SessionCommand.Detach(owner(ALICE), get));
        core.onMessage(progress(2), null);
        StreamRef again = new StreamRef("edge-b", "g9", key);
        assertThat(command(core, new SessionCommand.Resume(owner(ALICE), key + "-1", again)).answer)
                .isEqualTo("REPLAYING");
        core.onMessage(progress(3), null);
        assertThat(host.messagesOn(again))
                .extracting(StreamEvent.Message::eventId)
                .containsExactly(key + "-2", key + "-3");
        assertThat(command(core, new SessionCommand.Attach(owner(ALICE), new StreamRef("edge-c", "g3"))).status)
                .as("the resumed stream is the session's stream for server messages")
                .isEqualTo(409);
    }

    @Test
    @DisplayName(
            "legacy SSE: the session keys its stream; a client that lost it resumes on another connection and gets "
                    + "what it missed")
    void legacyStream() {
        StreamRef sse = new StreamRef("edge-a", "s");
        SessionCore core = open(ClientTransport.SSE, sse);
        deliver(core, CALL, null);
        core.onMessage(progress(1), null);
        String id = host.messagesOn(sse).get(0).eventId();
        EventIds.Position position = EventIds.parse(id);
        assertThat(position).isNotNull();
        assertThat(position.kind()).isEqualTo(EventIds.SSE);
        assertThat(position.sessionId()).isEqualTo("s1");

        // The connection died without the edge seeing it close: the session sends on, into the void.
        core.onMessage(progress(2), null);
        core.onMessage(RESULT, null);
        StreamRef back = new StreamRef("edge-b", "s2", position.key());
        assertThat(command(core, new SessionCommand.Resume(owner(ALICE), id, back)).answer)
                .isEqualTo("REPLAYING");
        assertThat(host.messagesOn(back))
                .extracting(StreamEvent.Message::eventId)
                .containsExactly(position.key() + "-2", position.key() + "-3");
        assertThat(host.messagesOn(back).get(1).raw()).isEqualTo(RESULT);
        core.onMessage(progress(3), null);
        assertThat(host.messagesOn(back))
                .as("live messages follow on the new connection")
                .hasSize(3);
        assertThat(host.messagesOn(sse)).as("and no longer on the old one").hasSize(3);
    }

    @Test
    @DisplayName("legacy SSE: a resume whose events are gone takes the session's stream over afresh")
    void legacyStreamAfresh() {
        StreamRef sse = new StreamRef("edge-a", "s");
        SessionCore core = open(ClientTransport.SSE, sse);
        core.onMessage(progress(1), null);
        String lost = EventIds.newKey("s1", EventIds.SSE);
        assertThat(command(
                                core,
                                new SessionCommand.Resume(
                                        owner(ALICE), lost + "-9", new StreamRef("edge-b", "s2", lost)))
                        .answer)
                .isEqualTo("UNKNOWN");
        StreamRef fresh = new StreamRef("edge-b", "s2");
        assertThat(command(core, new SessionCommand.Attach(owner(ALICE), fresh)).status)
                .isEqualTo(200);
        core.onMessage(progress(2), null);
        assertThat(host.messagesOn(fresh))
                .singleElement()
                .satisfies(m -> assertThat(m.eventId()).endsWith("-1"));
    }
}
