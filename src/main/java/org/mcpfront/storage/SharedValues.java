package org.mcpfront.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A value every instance sharing a store must agree on (a cluster's signing key): the first to start makes it. */
public final class SharedValues {

    private SharedValues() {}

    /**
     * The value under {@code key}: the stored one, or else {@code make}'s, stored if no other instance stored
     * one first (then {@code whenOurs} hears of it); either way what the store holds afterwards.
     */
    public static Future<JsonObject> getOrMake(
            Store store, String key, Duration ttl, Supplier<Future<JsonObject>> make, Consumer<JsonObject> whenOurs) {
        return store.get(key)
                .compose(existing -> {
                    if (existing != null) {
                        return Future.succeededFuture(existing);
                    }
                    return make.get()
                            .compose(fresh -> store.putIfAbsent(key, fresh, ttl).onSuccess(stored -> {
                                if (stored) {
                                    whenOurs.accept(fresh);
                                }
                            }))
                            .compose(stored -> store.get(key));
                })
                .map(json -> {
                    if (json == null) {
                        throw new IllegalStateException("the shared " + key + " vanished from storage while starting");
                    }
                    return json;
                });
    }
}
