package org.mcpfront.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("JSON-RPC messages")
class JsonRpcMessageTest {

    @Test
    @DisplayName("a request keeps its exact text and exposes id, method and progress token")
    void request() throws Exception {
        String raw = "{ \"jsonrpc\":\"2.0\", \"id\":\"a-1\", \"method\":\"tools/call\", "
                + "\"params\":{\"_meta\":{\"progressToken\":7}} }";
        JsonRpcMessage message = JsonRpcMessage.parse(raw);
        assertThat(message.raw()).isSameAs(raw);
        assertThat(message.kind()).isEqualTo(JsonRpcMessage.Kind.REQUEST);
        assertThat(message.idKey()).isEqualTo("\"a-1\"");
        assertThat(message.method()).isEqualTo("tools/call");
        assertThat(message.progressTokenKey()).isEqualTo("7");
    }

    @Test
    @DisplayName("number and string ids never collide")
    void idKeys() throws Exception {
        assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                        .idKey())
                .isEqualTo("1");
        assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}")
                        .idKey())
                .isEqualTo("\"1\"");
        assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":1.0,\"result\":{}}")
                        .idKey())
                .as("1.0 and 1 are the same id once a peer re-serialises it")
                .isEqualTo("1");
        assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":2.5,\"result\":{}}")
                        .idKey())
                .isEqualTo("2.5");
        assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"result\":{}}")
                        .idKey())
                .isEqualTo("12345678901234567890");
    }

    @Test
    @DisplayName("notifications and responses are told apart")
    void kinds() throws Exception {
        assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .kind())
                .isEqualTo(JsonRpcMessage.Kind.NOTIFICATION);
        assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":1,\"message\":\"x\"}}")
                        .kind())
                .isEqualTo(JsonRpcMessage.Kind.RESPONSE);
    }

    @Test
    @DisplayName("a batch is split into its members")
    void batch() throws Exception {
        List<JsonRpcMessage> messages = JsonRpcMessage.parseBody(
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"notifications/"
                        + "x\"}]");
        assertThat(messages)
                .extracting(JsonRpcMessage::kind)
                .containsExactly(JsonRpcMessage.Kind.REQUEST, JsonRpcMessage.Kind.NOTIFICATION);
    }

    @Test
    @DisplayName("broken JSON is a parse error (-32700)")
    void parseError() {
        assertThatThrownBy(() -> JsonRpcMessage.parseBody("{\"jsonrpc\":"))
                .isInstanceOfSatisfying(JsonRpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(-32700);
                    assertThat(e.toResponse())
                            .startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'[]'",
                "'42'",
                "'null'",
                "'{\"id\":1,\"method\":\"x\"}'",
                "'{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"x\"}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":3}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":1}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}}'",
                "'[1]'",
                "'{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"x\"}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":-1e400,\"result\":{}}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"_meta\":{\"progressToken\":1e400}}}'",
                "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"_meta\":{\"progressToken\":true}}}'",
            })
    @DisplayName("valid JSON that is not JSON-RPC is an invalid request (-32600)")
    void invalidRequests(String body) {
        assertThatThrownBy(() -> JsonRpcMessage.parseBody(body))
                .isInstanceOfSatisfying(
                        JsonRpcException.class, e -> assertThat(e.code()).isEqualTo(-32600));
    }

    @Test
    @DisplayName("an id that overflows a double keeps no key, so it can never be echoed as a wrong one")
    void nonFiniteIds() throws Exception {
        assertThat(JsonRpcMessage.idKeyOf(Double.POSITIVE_INFINITY)).isNull();
        assertThat(JsonRpcMessage.idKeyOf(Double.NaN)).isNull();
        assertThat(JsonRpcMessage.idKeyOf(1e300)).startsWith("1000000000");
        assertThatThrownBy(() -> JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"x\","
                        + "\"params\":{\"_meta\":{\"progressToken\":1e400}}}"))
                .isInstanceOfSatisfying(
                        JsonRpcException.class, e -> assertThat(e.toResponse()).contains("\"id\":7"));
    }

    @Test
    @DisplayName("an error response echoes the request id byte for byte")
    void errorEchoesId() {
        assertThat(JsonRpcErrors.error("\"x\\\"y\"", -32001, "timed out"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"x\\\"y\",\"error\":{\"code\":-32001,\"message\":\"timed "
                        + "out\"}}");
    }
}
