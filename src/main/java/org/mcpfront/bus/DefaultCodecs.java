package org.mcpfront.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageCodec;

import java.util.function.Supplier;

/** Registers a type's default event-bus codec once per Vert.x instance, whichever verticle asks first. */
final class DefaultCodecs {

    private static final String REGISTERED = "mcp-front.default-codecs";

    private DefaultCodecs() {
    }

    static <T> void registerOnce(Vertx vertx, Class<T> type, Supplier<MessageCodec<T, ?>> codec) {
        // Several verticles share one Vert.x and each registers what it sends; later calls are no-ops.
        if (vertx.sharedData().getLocalMap(REGISTERED).putIfAbsent(type.getName(), Boolean.TRUE) == null) {
            vertx.eventBus().registerDefaultCodec(type, codec.get());
        }
    }
}
