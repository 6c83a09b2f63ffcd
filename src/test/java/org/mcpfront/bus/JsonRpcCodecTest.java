package org.mcpfront.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.transport.JsonRpcMessage;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The event-bus codec of JSON-RPC messages")
class JsonRpcCodecTest {

    private static final String RAW = "{\"jsonrpc\":\"2.0\",\"id\":\"é-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}";

    @Test
    @DisplayName("hands the parsed message itself to a consumer in the same JVM")
    void localDeliveryKeepsTheObject() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            JsonRpcCodec.register(vertx);
            JsonRpcCodec.register(vertx);
            JsonRpcMessage sent = JsonRpcMessage.parse(RAW);
            vertx.eventBus().<JsonRpcMessage>consumer("test.in", message -> message.reply(message.body() == sent));
            Object same = vertx.eventBus().request("test.in", sent).toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).body();
            assertThat(same).isEqualTo(true);
        } finally {
            vertx.close().await();
        }
    }

    @Test
    @DisplayName("sends the exact raw text across the cluster and parses it on arrival")
    void wireRoundTrip() throws Exception {
        JsonRpcCodec codec = new JsonRpcCodec();
        Buffer wire = Buffer.buffer("prefix");
        codec.encodeToWire(wire, JsonRpcMessage.parse(RAW));
        JsonRpcMessage received = codec.decodeFromWire("prefix".length(), wire);
        assertThat(received.raw()).isEqualTo(RAW);
        assertThat(received.idKey()).isEqualTo("\"é-1\"");
        assertThat(received.method()).isEqualTo("tools/call");
    }
}
