package org.mcpfront.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.bus.EventIds;
import org.mcpfront.bus.SessionCommand.Resumed;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.storage.MemoryStore;

@DisplayName("The resumable streams of a session")
class StreamBuffersTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<String> delivered = new ArrayList<>();
    private final String key = EventIds.newKey("sess", EventIds.POST);
    private final StreamRef post = new StreamRef("edge-1", "1", key);
    private final StreamRef resumed = new StreamRef("edge-2", "9", key);

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private StreamBuffers buffers(MemoryStore store) {
        return new StreamBuffers(
                "/r",
                "sess",
                store,
                Duration.ofMinutes(1),
                (to, message) -> delivered.add(to.inbox() + "/" + to.streamId() + " " + message.eventId() + " "
                        + message.raw() + (message.last() ? " last" : "")));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("numbers each stream's events from 1 and sends them to the connection that holds it")
    void idsInOrder() {
        StreamBuffers buffers = buffers(null);
        buffers.send(post, "a", false);
        buffers.send(post, "b", true);
        buffers.send(new StreamRef("edge-1", "2"), "plain", true);
        assertThat(delivered)
                .containsExactly(
                        "edge-1/1 " + key + "-1 a", "edge-1/1 " + key + "-2 b last", "edge-1/2 null plain last");
        assertThat(EventIds.parse(key + "-2")).isEqualTo(new EventIds.Position("sess", key, 'p', 2));
    }

    @Test
    @DisplayName("keeps what is sent while the client is away and replays exactly what follows its last id, then live "
            + "events")
    void resumeAfterCut() throws Exception {
        StreamBuffers buffers = buffers(null);
        buffers.send(post, "1", false);
        buffers.send(post, "2", false);
        assertThat(buffers.detached(post)).isTrue();
        buffers.send(post, "3", false);
        assertThat(buffers.held(post)).isFalse();
        delivered.clear();
        assertThat(await(buffers.resume(key, 1, resumed))).isEqualTo(Resumed.REPLAYING);
        buffers.send(post, "4", true);
        assertThat(delivered)
                .containsExactly(
                        "edge-2/9 " + key + "-2 2", "edge-2/9 " + key + "-3 3", "edge-2/9 " + key + "-4 4 last");
        delivered.clear();
        assertThat(await(buffers.resume(key, 4, new StreamRef("edge-3", "1", key))))
                .as("all of it was received")
                .isEqualTo(Resumed.COMPLETE);
        assertThat(await(buffers.resume(key, 2, new StreamRef("edge-3", "1", key))))
                .isEqualTo(Resumed.REPLAYING);
        assertThat(delivered).containsExactly("edge-3/1 " + key + "-3 3", "edge-3/1 " + key + "-4 4 last");
        assertThat(await(buffers.resume(EventIds.newKey("sess", EventIds.GET), 3, resumed)))
                .isEqualTo(Resumed.UNKNOWN);
    }

    @Test
    @DisplayName("a stream keeps at most its bound of events; a session forgets finished streams first")
    void bounded() throws Exception {
        StreamBuffers buffers = buffers(null);
        for (int i = 1; i <= StreamBuffers.MAX_EVENTS + 10; i++) {
            buffers.send(post, "m" + i, false);
        }
        delivered.clear();
        assertThat(await(buffers.resume(key, 0, resumed))).isEqualTo(Resumed.REPLAYING);
        assertThat(delivered).hasSize(StreamBuffers.MAX_EVENTS);
        assertThat(delivered.get(0)).isEqualTo("edge-2/9 " + key + "-11 m11");

        String big = "x".repeat(400 * 1024);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String k = EventIds.newKey("sess", EventIds.POST);
            keys.add(k);
            buffers.send(new StreamRef("edge-1", "s" + i, k), big, true);
        }
        assertThat(await(buffers.resume(keys.get(0), 0, resumed)))
                .as("the session's byte bound forgot the oldest finished")
                .isEqualTo(Resumed.UNKNOWN);
        assertThat(await(buffers.resume(keys.get(11), 0, resumed))).isEqualTo(Resumed.REPLAYING);
        delivered.clear();
        assertThat(await(buffers.resume(key, StreamBuffers.MAX_EVENTS + 9, resumed)))
                .as("the open stream is kept")
                .isEqualTo(Resumed.REPLAYING);
        assertThat(delivered).hasSize(1);
    }

    @Test
    @DisplayName("with a store, another instance's session resumes the stream where the client left it, and numbers on")
    void adoptedFromTheStore() throws Exception {
        MemoryStore store = new MemoryStore(vertx, 1024 * 1024);
        StreamBuffers first = buffers(store);
        first.send(post, "1", false);
        first.send(post, "2", false);
        first.send(post, "3", false);
        delivered.clear();

        StreamBuffers adopted = buffers(store);
        assertThat(await(adopted.resume(key, 1, resumed))).isEqualTo(Resumed.REPLAYING);
        adopted.send(post, "4", true);
        assertThat(delivered)
                .containsExactly(
                        "edge-2/9 " + key + "-2 2", "edge-2/9 " + key + "-3 3", "edge-2/9 " + key + "-4 4 last");
        delivered.clear();
        assertThat(await(buffers(store).resume(key, 4, resumed))).isEqualTo(Resumed.COMPLETE);
        assertThat(await(buffers(store).resume(EventIds.newKey("sess", EventIds.POST), 0, resumed)))
                .isEqualTo(Resumed.UNKNOWN);
        assertThat(delivered).isEmpty();
    }

    @Test
    @DisplayName("a client with ids the session never kept goes on after them: no id is used twice")
    void idsAheadOfTheStore() throws Exception {
        StreamBuffers buffers = buffers(new MemoryStore(vertx, 1024 * 1024));
        buffers.send(post, "1", false);
        assertThat(await(buffers.resume(key, 7, resumed))).isEqualTo(Resumed.REPLAYING);
        buffers.send(post, "next", false);
        assertThat(delivered).last().isEqualTo("edge-2/9 " + key + "-8 next");
    }

    @Test
    @DisplayName("takes apart only its own ids")
    void parsesIds() {
        assertThat(EventIds.parse("abc-DEF_1.pXyZ-_09-17"))
                .isEqualTo(new EventIds.Position("abc-DEF_1", "abc-DEF_1.pXyZ-_09", 'p', 17));
        for (String bad : new String[] {
            "",
            "17",
            "abc-17",
            "abc.q1-1",
            "abc.p1-",
            "abc.p1-x",
            "abc.p1-1-",
            "a b.p1-1",
            "abc.p-1",
            ".p1-1",
            "abc.p1-99999999999999999999"
        }) {
            assertThat(EventIds.parse(bad)).as(bad).isNull();
        }
    }
}
