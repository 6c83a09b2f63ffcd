package org.mcpfront.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * Sends messages that never leave this JVM (supervisor requests, session notices, config changes):
 * marked local-only, so they reach only this member's consumers, and their codec never has to cross
 * the cluster.
 */
public final class LocalOnly {

    private LocalOnly() {}

    public static void send(Vertx vertx, String address, Object body) {
        vertx.eventBus().send(address, body, options());
    }

    public static void publish(Vertx vertx, String address, Object body) {
        vertx.eventBus().publish(address, body, options());
    }

    public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body) {
        return vertx.eventBus().request(address, body, options());
    }

    public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body, long timeoutMillis) {
        return vertx.eventBus().request(address, body, options().setSendTimeout(timeoutMillis));
    }

    private static DeliveryOptions options() {
        return new DeliveryOptions().setLocalOnly(true);
    }
}
