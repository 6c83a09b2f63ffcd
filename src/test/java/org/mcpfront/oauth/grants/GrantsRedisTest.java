package org.mcpfront.oauth.grants;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.mcpfront.storage.RedisStore;
import org.mcpfront.storage.Store;
import org.mcpfront.testing.RedisServer;

/** Grants in a real Redis, each "instance" with its own connection, as the processes of a cluster. */
@DisplayName("Grants in Redis, shared by instances")
class GrantsRedisTest extends GrantsContract {

    private static RedisServer redis;
    private final List<Store> stores = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void closeStores() throws Exception {
        for (Store store : stores) {
            store.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Override
    protected Store newStore() {
        Store store = new RedisStore(vertx, redis.url());
        stores.add(store);
        return store;
    }
}
