package org.mcpfront.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable object through the local event bus by reference: no JSON round trip for
 * messages that never leave the JVM (config changes, supervisor requests).
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

    private final Class<T> type;

    private LocalCodec(Class<T> type) {
        this.type = type;
    }

    /** Registers the codec for {@code type} once per Vert.x instance; later calls are no-ops. */
    public static <T> void register(Vertx vertx, Class<T> type) {
        DefaultCodecs.registerOnce(vertx, type, () -> new LocalCodec<>(type));
    }

    /** Delivery options that send {@code type} with this codec. */
    public static DeliveryOptions options(Class<?> type) {
        return new DeliveryOptions().setCodecName(codecName(type));
    }

    private static String codecName(Class<?> type) {
        return "local:" + type.getName();
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        throw new IllegalStateException(type.getName() + " is local-only and cannot cross the cluster");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        throw new IllegalStateException(type.getName() + " is local-only and cannot cross the cluster");
    }

    @Override
    public T transform(T t) {
        return t;
    }

    @Override
    public String name() {
        return codecName(type);
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
