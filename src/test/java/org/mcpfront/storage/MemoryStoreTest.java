package org.mcpfront.storage;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

@DisplayName("The memory store")
class MemoryStoreTest extends StoreContract {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private Vertx vertx;
    private MemoryStore store;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        store = new MemoryStore(vertx, now::get);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Override
    protected Store store() {
        return store;
    }

    @Override
    protected void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
