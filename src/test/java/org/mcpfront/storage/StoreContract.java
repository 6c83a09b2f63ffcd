package org.mcpfront.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
        assertThat(await(store().putIfAbsent("k3", new JsonObject().put("v", 1), Duration.ofSeconds(3))))
                .isTrue();
        assertThat(await(store().putIfAbsent("k3", new JsonObject().put("v", 2), Duration.ofSeconds(3))))
                .isFalse();
        assertThat(await(store().get("k3")).getInteger("v")).isEqualTo(1);
        advance(Duration.ofMillis(3500));
        assertThat(await(store().putIfAbsent("k3", new JsonObject().put("v", 3), Duration.ofMinutes(1))))
                .isTrue();
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
        assertThat(await(store().increment("rate:b", Duration.ofSeconds(2))))
                .as("another key")
                .isEqualTo(1);
        assertThat(await(store().increment("rate:a", Duration.ofSeconds(2)))).isEqualTo(3);
        advance(Duration.ofMillis(2500));
        assertThat(await(store().increment("rate:a", Duration.ofSeconds(2)))).isEqualTo(1);
    }

    @Test
    @DisplayName("a list keeps appended values in order, and reads from any position")
    void listAppendAndRange() throws Exception {
        for (String value : new String[] {"1 - {\"a\":1}", "2 - two words", "3 L caf\u00e9 \"q\""}) {
            await(store().append("stream:s1", value, 10, Duration.ofMinutes(1)));
        }
        assertThat(await(store().range("stream:s1", 0)))
                .containsExactly("1 - {\"a\":1}", "2 - two words", "3 L caf\u00e9 \"q\"");
        assertThat(await(store().range("stream:s1", 2))).containsExactly("3 L caf\u00e9 \"q\"");
        assertThat(await(store().range("stream:s1", 7))).isEmpty();
        assertThat(await(store().range("stream:none", 0))).as("an absent list").isEmpty();
        assertThat(await(store().get("stream:s1")))
                .as("lists live apart from records")
                .isNull();
    }

    @Test
    @DisplayName("a list keeps only its last values, as many as the latest append allows")
    void listIsBounded() throws Exception {
        for (int i = 1; i <= 6; i++) {
            await(store().append("stream:s2", "v" + i, 3, Duration.ofMinutes(1)));
        }
        assertThat(await(store().range("stream:s2", 0))).containsExactly("v4", "v5", "v6");
        await(store().append("stream:s2", "v7", 2, Duration.ofMinutes(1)));
        assertThat(await(store().range("stream:s2", 0))).containsExactly("v6", "v7");
    }

    @Test
    @DisplayName("a list expires as a whole, each append giving it its lifetime again; delete removes it")
    void listExpires() throws Exception {
        await(store().append("stream:s3", "a", 10, Duration.ofSeconds(2)));
        advance(Duration.ofMillis(1200));
        await(store().append("stream:s3", "b", 10, Duration.ofSeconds(2)));
        advance(Duration.ofMillis(1200));
        assertThat(await(store().range("stream:s3", 0)))
                .as("the second append renewed it")
                .containsExactly("a", "b");
        advance(Duration.ofMillis(1500));
        assertThat(await(store().range("stream:s3", 0))).isEmpty();

        await(store().append("stream:s4", "a", 10, Duration.ofMinutes(1)));
        await(store().delete("stream:s4"));
        assertThat(await(store().range("stream:s4", 0))).isEmpty();
    }

    @Test
    @DisplayName("a set of leases holds at most its bound; a renewal, a release or an expiry makes room")
    void leases() throws Exception {
        Duration life = Duration.ofSeconds(2);
        assertThat(await(store().lease("sessions:u", "s1", 2, life))).isTrue();
        assertThat(await(store().lease("sessions:u", "s2", 2, life))).isTrue();
        assertThat(await(store().lease("sessions:u", "s3", 2, life))).as("full").isFalse();
        assertThat(await(store().lease("sessions:u", "s1", 2, life)))
                .as("a lease already held is renewed though the set is full")
                .isTrue();
        assertThat(await(store().lease("sessions:v", "s3", 2, life)))
                .as("another key")
                .isTrue();
        await(store().release("sessions:u", "s2"));
        await(store().release("sessions:u", "never-held"));
        assertThat(await(store().lease("sessions:u", "s3", 2, life)))
                .as("a release made room")
                .isTrue();
        assertThat(await(store().get("sessions:u")))
                .as("sets live apart from records")
                .isNull();

        advance(Duration.ofMillis(1200));
        assertThat(await(store().lease("sessions:u", "s1", 2, life))).isTrue();
        advance(Duration.ofMillis(1200));
        assertThat(await(store().lease("sessions:u", "s4", 2, life)))
                .as("s3 ran out, s1 was renewed")
                .isTrue();
        assertThat(await(store().lease("sessions:u", "s5", 2, life))).isFalse();
        advance(Duration.ofMillis(2500));
        assertThat(await(store().lease("sessions:u", "s5", 1, life)))
                .as("every lease ran out")
                .isTrue();
    }

    @Test
    @DisplayName("a reachable store answers ping")
    void ping() throws Exception {
        await(store().ping());
    }
}
