package org.mcpfront.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.testing.RedisServer;

/** The store contract against a real Redis, plus what only a networked store can get wrong. */
@DisplayName("The Redis store")
class RedisStoreTest extends StoreContract {

    private static RedisServer redis;
    private Vertx vertx;
    private RedisStore store;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        store = new RedisStore(vertx, redis.url());
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Override
    protected Store store() {
        return store;
    }

    @Override
    protected void advance(Duration duration) throws InterruptedException {
        // Redis keeps its own clock: let the time really pass.
        Thread.sleep(duration.toMillis());
    }

    @Test
    @DisplayName("a second client sees what the first one stored: instances of a cluster share state")
    void sharedBetweenClients() throws Exception {
        RedisStore other = new RedisStore(vertx, redis.url());
        try {
            store.put("shared", new io.vertx.core.json.JsonObject().put("x", 1), Duration.ofMinutes(1))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(other.take("shared")
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS)
                            .getInteger("x"))
                    .isEqualTo(1);
            assertThat(store.get("shared")
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS))
                    .isNull();
        } finally {
            other.close();
        }
    }

    @Test
    @DisplayName("a burst of requests far beyond the connection pool waits for a connection instead of failing "
            + "(a burst of token checks under load)")
    void burstBeyondThePool() throws Exception {
        store.put("burst", new io.vertx.core.json.JsonObject().put("x", 1), Duration.ofMinutes(1))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        List<Future<io.vertx.core.json.JsonObject>> reads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            reads.add(store.get("burst"));
        }
        Future.join(reads).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(reads)
                .allSatisfy(read ->
                        assertThat(read.succeeded()).as("%s", read.cause()).isTrue());
    }

    @Test
    @DisplayName("an unreachable Redis fails ping instead of hanging")
    void unreachable() {
        RedisStore nowhere = new RedisStore(vertx, "redis://127.0.0.1:" + org.mcpfront.testing.FreePorts.next());
        try {
            assertThatThrownBy(() -> nowhere.ping()
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("onnect");
        } finally {
            nowhere.close();
        }
    }
}
