package org.mcpfront.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;

import java.nio.charset.StandardCharsets;

/**
 * Carries a parsed {@link JsonRpcMessage} from the edge to its session. Within one JVM the object
 * itself is handed over, so a message is parsed once, at the edge; across the cluster only its raw
 * text travels and the receiving member parses it again.
 *
 * <p>The edge does not touch a message after sending it, so sharing it between two event loops is
 * safe: the event bus hand-over orders the edge's writes before the session's reads.
 */
public final class JsonRpcCodec implements MessageCodec<JsonRpcMessage, JsonRpcMessage> {

    private static final String NAME = "mcp-front.jsonrpc";

    JsonRpcCodec() {
    }

    /** Makes this the codec of {@link JsonRpcMessage} on {@code vertx}, once; later calls are no-ops. */
    public static void register(Vertx vertx) {
        DefaultCodecs.registerOnce(vertx, JsonRpcMessage.class, JsonRpcCodec::new);
    }

    @Override
    public void encodeToWire(Buffer buffer, JsonRpcMessage message) {
        byte[] raw = message.raw().getBytes(StandardCharsets.UTF_8);
        buffer.appendInt(raw.length).appendBytes(raw);
    }

    @Override
    public JsonRpcMessage decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        String raw = buffer.getString(pos + 4, pos + 4 + length, StandardCharsets.UTF_8.name());
        try {
            return JsonRpcMessage.parse(raw);
        } catch (JsonRpcException e) {
            // The sending member parsed these very bytes; failing here means the wire is broken.
            throw new IllegalStateException("a JSON-RPC message from another member does not parse: " + e.getMessage(), e);
        }
    }

    @Override
    public JsonRpcMessage transform(JsonRpcMessage message) {
        return message;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
