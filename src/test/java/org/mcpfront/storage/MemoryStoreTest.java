package org.mcpfront.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The memory store")
class MemoryStoreTest extends StoreContract {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private Vertx vertx;
    private MemoryStore store;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        store = new MemoryStore(vertx, 64 * 1024, now::get);
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

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("holds at most its bound: a write that would pass it is refused, and taken once entries expire")
    void bounded() throws Exception {
        JsonObject registration =
                new JsonObject().put("redirect_uris", new JsonArray().add("https://x.example/" + "a".repeat(900)));
        int stored = 0;
        Throwable refusal = null;
        while (refusal == null && stored < 1000) {
            try {
                await(store.put("client:" + stored, registration, Duration.ofMinutes(10)));
                stored++;
            } catch (java.util.concurrent.ExecutionException e) {
                refusal = e.getCause();
            }
        }
        assertThat(refusal).isInstanceOf(StoreFullException.class);
        assertThat(stored).isBetween(10, 40);
        assertThat(store.bytes()).isLessThanOrEqualTo(64 * 1024);
        assertThat(await(store.get("client:0")))
                .as("what is stored stays readable")
                .isEqualTo(registration);
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 1000; i++) {
                        await(store.increment("rate:" + i, Duration.ofMinutes(1)));
                    }
                })
                .as("new counters are refused too once the small room left is used")
                .hasCauseInstanceOf(StoreFullException.class);

        advance(Duration.ofMinutes(11));
        await(store.put("client:new", registration, Duration.ofMinutes(10)));
        assertThat(store.bytes()).as("expired entries were swept").isLessThan(8 * 1024);
    }

    @Test
    @DisplayName("what is taken, deleted or replaced no longer counts")
    void accounting() throws Exception {
        await(store.put("a", new JsonObject().put("v", "x".repeat(1000)), Duration.ofMinutes(1)));
        await(store.put("a", new JsonObject().put("v", "y"), Duration.ofMinutes(1)));
        await(store.put("b", new JsonObject().put("v", 1), Duration.ofMinutes(1)));
        await(store.take("b"));
        await(store.increment("c", Duration.ofMinutes(1)));
        await(store.increment("c", Duration.ofMinutes(1)));
        await(store.delete("c"));
        assertThat(store.bytes()).isLessThan(200);
        await(store.delete("a"));
        assertThat(store.bytes()).isZero();
    }

    @Test
    @DisplayName("counts what its lists hold against its bound, and gives the room back as they are trimmed and expire")
    void listsAreBounded() throws Exception {
        String event = "e".repeat(1000);
        for (int i = 0; i < 100; i++) {
            await(store.append("stream:a", event, 5, Duration.ofMinutes(1)));
        }
        assertThat(store.bytes()).as("only the last five count").isBetween(5L * 2000, 5L * 2400);
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 100; i++) {
                        await(store.append("stream:n" + i, event, 5, Duration.ofMinutes(1)));
                    }
                })
                .hasCauseInstanceOf(StoreFullException.class);
        assertThat(store.bytes()).isLessThanOrEqualTo(64 * 1024);
        advance(Duration.ofMinutes(2));
        await(store.append("stream:b", event, 5, Duration.ofMinutes(1)));
        assertThat(store.bytes()).as("expired lists were swept").isLessThan(3000);
    }

    @Test
    @DisplayName("counts its leases against its bound, and gives the room back as they are released and expire")
    void leasesAreBounded() throws Exception {
        String member = "m".repeat(1000);
        await(store.lease("sessions:a", member + 1, 5, Duration.ofMinutes(1)));
        await(store.lease("sessions:a", member + 2, 5, Duration.ofMinutes(1)));
        assertThat(store.bytes()).isBetween(2L * 2000, 2L * 2400);
        await(store.release("sessions:a", member + 1));
        assertThat(store.bytes()).isBetween(2000L, 2400L);
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 100; i++) {
                        await(store.lease("sessions:n" + i, member, 5, Duration.ofMinutes(1)));
                    }
                })
                .hasCauseInstanceOf(StoreFullException.class);
        advance(Duration.ofMinutes(2));
        await(store.lease("sessions:b", member, 5, Duration.ofMinutes(1)));
        assertThat(store.bytes()).as("expired leases were swept").isLessThan(3000);
    }
}
