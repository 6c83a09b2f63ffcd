package org.mcpfront.storage;

import io.vertx.core.Vertx;
import org.mcpfront.config.OAuthConfig;

/** The store the configuration names. */
public final class Stores {

    private Stores() {}

    public static Store create(Vertx vertx, OAuthConfig oauth) {
        return switch (oauth.storage()) {
            case MEMORY -> new MemoryStore(vertx, oauth.limits().memoryStorageBytes());
            case REDIS -> new RedisStore(vertx, oauth.redisUrl());
        };
    }
}
