package org.mcpfront.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mcpfront.access.Glob;
import org.mcpfront.access.Kind;
import org.mcpfront.access.RouteAccess;
import org.mcpfront.access.Rule;
import org.mcpfront.access.Visibility;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.identity.Caller;
import org.mcpfront.transport.JsonRpcMessage;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
@DisplayName("The event-bus codec of mcp-front's messages")
class BusCodecTest {

    private static final String RAW =
            "{\"jsonrpc\":\"2.0\",\"id\":\"é-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}";
    private static final String OWNER = "user-1\nclient-1\n/a";
    private static final StreamRef STREAM = new StreamRef("mcp.edge.e1.out", "7");

    @Test
    @DisplayName("sends the exact raw text of a JSON-RPC message across the cluster and parses it on arrival")
    void jsonRpcOnTheWire() throws Exception {
        JsonRpcMessage received = roundTrip(JsonRpcMessage.parse(RAW));
        assertThat(received.raw()).isEqualTo(RAW);
        assertThat(received.idKey()).isEqualTo("\"é-1\"");
        assertThat(received.method()).isEqualTo("tools/call");
    }

    @Test
    @DisplayName("carries a delivery across the cluster with its owner, stream, json-only flag, mirrored headers and"
            + " what its user may see")
    void deliverOnTheWire() throws Exception {
        JsonObject headers = new JsonObject().put("mcp-param-region", "eu");
        Visibility visibility = new RouteAccess(
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
                .visibilityFor(Caller.of("a@example.com"), Map.of());
        SessionCommand.Deliver received = roundTrip(
                new SessionCommand.Deliver(OWNER, JsonRpcMessage.parse(RAW), STREAM, true, headers, visibility));
        assertThat(received.owner()).isEqualTo(OWNER);
        assertThat(received.message().raw()).isEqualTo(RAW);
        assertThat(received.message().method()).isEqualTo("tools/call");
        assertThat(received.stream()).isEqualTo(STREAM);
        assertThat(received.jsonOnly()).isTrue();
        assertThat(received.paramHeaders()).isEqualTo(headers);
        assertThat(received.visibility()).isEqualTo(visibility);
        assertThat(received.visibility().decide(Kind.TOOL, "delete_all").allowed())
                .isFalse();

        SessionCommand.Deliver bare =
                roundTrip(new SessionCommand.Deliver(OWNER, JsonRpcMessage.parse(RAW), null, false, null, null));
        assertThat(bare.stream()).isNull();
        assertThat(bare.jsonOnly()).isFalse();
        assertThat(bare.paramHeaders()).isNull();
        assertThat(bare.visibility()).isSameAs(Visibility.ALL);
    }

    @Test
    @DisplayName("carries every other session command and stream event across the cluster unchanged")
    void commandsAndEventsOnTheWire() {
        List<Object> messages = List.of(
                new SessionCommand.Attach(OWNER, STREAM),
                new SessionCommand.Detach(OWNER, STREAM),
                new SessionCommand.Close(OWNER, "closed by client"),
                new SessionCommand.Close(OWNER, null),
                new SessionCommand.Evict("route removed from the configuration"),
                new SessionCommand.Attach(OWNER, new StreamRef("mcp.edge.e1.out", "9", "sess.gAbC-x_1")),
                new SessionCommand.Resume(
                        OWNER, "sess.pAbC-x_1-17", new StreamRef("mcp.edge.e2.out", "3", "sess.pAbC-x_1")),
                new SessionCommand.Flow(OWNER, STREAM, true),
                new SessionCommand.Flow(OWNER, STREAM, false),
                new StreamEvent.Message("7", RAW, true, "sess.pAbC-x_1-4"),
                new StreamEvent.Message("7", RAW, true),
                new StreamEvent.Message("8", RAW, false),
                new StreamEvent.End("7", "request cancelled"));
        for (Object message : messages) {
            assertThat(roundTrip(message)).isEqualTo(message);
        }
    }

    @Test
    @DisplayName("hands every message itself to a consumer in the same JVM")
    void localDeliveryKeepsTheObject(Vertx vertx) throws Exception {
        BusCodec.register(vertx);
        List<Object> messages = List.of(
                JsonRpcMessage.parse(RAW),
                new SessionCommand.Deliver(OWNER, JsonRpcMessage.parse(RAW), STREAM, false, new JsonObject(), null),
                new SessionCommand.Attach(OWNER, STREAM),
                new SessionCommand.Detach(OWNER, STREAM),
                new SessionCommand.Close(OWNER, "bye"),
                new SessionCommand.Evict("gone"),
                new StreamEvent.Message("7", RAW, true),
                new StreamEvent.End("7", "over"),
                spec(),
                new SessionEnded("s1", "/a", null),
                config());
        vertx.eventBus().consumer("test.in", message -> message.reply(message.body()));
        for (Object sent : messages) {
            Object received = LocalOnly.request(vertx, "test.in", sent)
                    .await(5, TimeUnit.SECONDS)
                    .body();
            assertThat(received).as(sent.getClass().getSimpleName()).isSameAs(sent);
        }
    }

    @Test
    @DisplayName("refuses to put a local-only message on the wire")
    void localOnlyTypesRefuseTheWire() throws Exception {
        for (Object local : List.of(spec(), new SessionEnded("s1", "/a", "exited"), config())) {
            BusCodec<Object> codec = codecOf(local);
            assertThatThrownBy(() -> codec.encodeToWire(Buffer.buffer(), local))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("local-only");
            assertThatThrownBy(() -> codec.decodeFromWire(0, Buffer.buffer(new byte[8])))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("local-only");
        }
    }

    @Test
    @DisplayName("covers every type sent across the cluster, each under its own short name")
    void oneCodecPerType() {
        assertThat(BusCodec.LOCAL).doesNotContainAnyElementsOf(BusCodec.WIRE);
        List<Class<?>> sentAcrossTheCluster = new ArrayList<>(List.of(SessionCommand.Evict.class));
        sentAcrossTheCluster.addAll(List.of(SessionCommand.FromClient.class.getPermittedSubclasses()));
        sentAcrossTheCluster.addAll(List.of(StreamEvent.class.getPermittedSubclasses()));
        assertThat(BusCodec.WIRE).containsAll(sentAcrossTheCluster);
        List<Class<?>> all = new ArrayList<>(BusCodec.WIRE);
        all.addAll(BusCodec.LOCAL);
        assertThat(all.stream().map(type -> new BusCodec<>(type).name()).distinct())
                .hasSize(all.size());
        assertThat(new BusCodec<>(SessionCommand.Deliver.class).name()).isEqualTo("mcp-front.SessionCommand$Deliver");
    }

    /** Encodes after some unrelated bytes, as Vert.x does, and decodes from where the message starts. */
    private static <T> T roundTrip(T message) {
        BusCodec<T> codec = codecOf(message);
        Buffer wire = Buffer.buffer("prefix");
        codec.encodeToWire(wire, message);
        wire.appendString("suffix");
        return codec.decodeFromWire("prefix".length(), wire);
    }

    @SuppressWarnings("unchecked")
    private static <T> BusCodec<T> codecOf(T message) {
        return new BusCodec<>((Class<T>) message.getClass());
    }

    private static SessionSpec spec() throws Exception {
        FrontConfig config = config();
        return SessionSpec.request(
                        config.routes().get(0),
                        ClientTransport.STREAMABLE,
                        STREAM,
                        new SessionOwner("user-1", "user@example.com", "client-1"))
                .withId("s1");
    }

    private static FrontConfig config() throws Exception {
        JsonObject raw = new JsonObject()
                .put(
                        "oauth",
                        new JsonObject()
                                .put("issuer", "http://localhost:8080")
                                .put("identity", "dev")
                                .put("allowed_domains", new JsonArray().add("example.com")))
                .put(
                        "routes",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("path", "/a")
                                        .put("type", "http")
                                        .put("backend", "http://127.0.0.1:3001/mcp")));
        return ConfigParser.parse(raw, Map.of());
    }
}
