package org.mcpfront.storage;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link Store} must have. Each implementation's test extends this and supplies
 * a fresh store; the Redis store (with the OAuth work) runs the same cases against a real server.
 */
abstract class StoreContract {

    protected abstract Store store();

    /** Lets time pass for the store under test (a fake clock, or a real wait for Redis). */
    protected abstract void advance(Duration duration) throws Exception;

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a stored value can be read back, as a copy")
    void putThenGet() throws Exception {
        JsonObject value = new JsonObject().put("client", "abc");
        await(store().put("k1", value, Duration.ofMinutes(1)));
        value.put("client", "changed after put");
        assertThat(await(store().get("k1"))).isEqualTo(new JsonObject().put("client", "abc"));
    }

    @Test
    @DisplayName("a value is gone once its lifetime has passed")
    void expires() throws Exception {
        await(store().put("k2", new JsonObject().put("a", 1), Duration.ofSeconds(1)));
        advance(Duration.ofMillis(1500));
        assertThat(await(store().get("k2"))).isNull();
    }

    @Test
    @DisplayName("take returns the value once and only once")
    void takeIsSingleUse() throws Exception {
        await(store().put("code", new JsonObject().put("sub", "u1"), Duration.ofMinutes(1)));
        assertThat(await(store().take("code"))).isEqualTo(new JsonObject().put("sub", "u1"));
        assertThat(await(store().take("code"))).isNull();
        assertThat(await(store().get("code"))).isNull();
    }

    @Test
    @DisplayName("putIfAbsent stores only over nothing or an expired value")
    void putIfAbsent() throws Exception {
        // Long enough a life that the next two calls land inside it even on a loaded machine.
        assertThat(await(store().putIfAbsent("k3", new JsonObject().put("v", 1), Duration.ofSeconds(3)))).isTrue();
        assertThat(await(store().putIfAbsent("k3", new JsonObject().put("v", 2), Duration.ofSeconds(3)))).isFalse();
        assertThat(await(store().get("k3")).getInteger("v")).isEqualTo(1);
        advance(Duration.ofMillis(3500));
        assertThat(await(store().putIfAbsent("k3", new JsonObject().put("v", 3), Duration.ofMinutes(1)))).isTrue();
        assertThat(await(store().get("k3")).getInteger("v")).isEqualTo(3);
    }

    @Test
    @DisplayName("delete removes a value and deleting nothing is fine")
    void delete() throws Exception {
        await(store().put("k4", new JsonObject(), Duration.ofMinutes(1)));
        await(store().delete("k4"));
        await(store().delete("never-there"));
        assertThat(await(store().get("k4"))).isNull();
    }

    @Test
    @DisplayName("a counter counts up from 1 within its window and starts again after it")
    void counts() throws Exception {
        assertThat(await(store().increment("rate:a", Duration.ofSeconds(2)))).isEqualTo(1);
        assertThat(await(store().increment("rate:a", Duration.ofSeconds(2)))).isEqualTo(2);
        assertThat(await(store().increment("rate:b", Duration.ofSeconds(2)))).as("another key").isEqualTo(1);
        assertThat(await(store().increment("rate:a", Duration.ofSeconds(2)))).isEqualTo(3);
        advance(Duration.ofMillis(2500));
        assertThat(await(store().increment("rate:a", Duration.ofSeconds(2)))).isEqualTo(1);
    }

    @Test
    @DisplayName("a reachable store answers ping")
    void ping() throws Exception {
        await(store().ping());
    }

}
