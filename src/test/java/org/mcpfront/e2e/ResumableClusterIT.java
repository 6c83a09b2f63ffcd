package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.storage.RedisStore;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.FrontProcess;
import org.mcpfront.testing.HalfOpenRelay;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RedisServer;
import org.mcpfront.testing.SseReader;
import org.mcpfront.transport.SseParser;

/**
 * Two mcp-front JVMs in a cluster with Redis: a client stream cut after event k on one instance and
 * resumed with {@code Last-Event-ID: k} on the other gets events k+1… exactly once, in order; the
 * session that emits the events also keeps them in Redis.
 */
@DisplayName("Resumable client streams across a cluster")
@Timeout(400)
class ResumableClusterIT {

    private static final Duration CLUSTERED_START = Duration.ofSeconds(120);
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static RedisServer redis;
    private static final List<Integer> ports = new ArrayList<>();
    private static final List<FrontProcess> fronts = new ArrayList<>();
    private static Path config;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        ports.add(FreePorts.next());
        ports.add(FreePorts.next());
        config = Files.createTempFile("mcp-front-resume", ".yaml");
        String yaml = FrontHarness.yaml("""
                - path: "/t"
                  type: stdio
                  command: ["node", "%s"]
                """.formatted(NodeTools.script("stdio-test-server.mjs")), "", """
                storage: redis
                redis_url: "%s"
                """.formatted(
                                        redis.url()))
                        .replace("port: 0", "port: ${FRONT_PORT}")
                + "cluster:\n  enabled: true\n";
        Files.writeString(config, yaml);
        for (int port : ports) {
            fronts.add(FrontProcess.start(Map.of("FRONT_PORT", Integer.toString(port)), "--config", config.toString()));
        }
        for (int i = 0; i < ports.size(); i++) {
            fronts.get(i).awaitListening(ports.get(i), CLUSTERED_START);
        }
        awaitCluster();
    }

    /** Until a session opened on one instance is reachable from the other (the members found each other). */
    private static void awaitCluster() {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            String session = initialize(0);
            HttpResponse<String> ping =
                    RawHttp.send(RawHttp.mcpPost(url(1, "/t/mcp"), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}")
                            .header("Mcp-Session-Id", session));
            RawHttp.send(RawHttp.request(url(0, "/t/mcp"))
                    .header("Mcp-Session-Id", session)
                    .DELETE());
            if (ping.statusCode() == 200) {
                return;
            }
            FreePorts.sleep(500);
        }
        throw new AssertionError("the two instances never formed a cluster");
    }

    @AfterAll
    static void stop() {
        List<AutoCloseable> all = new ArrayList<>(fronts);
        all.add(redis);
        Closeables.closeAll(all.toArray(AutoCloseable[]::new));
    }

    private static String url(int instance, String path) {
        return "http://127.0.0.1:" + ports.get(instance) + path;
    }

    private static String initialize(int instance) {
        HttpResponse<String> init = RawHttp.send(RawHttp.mcpPost(url(instance, "/t/mcp"), RawHttp.INITIALIZE));
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(url(instance, "/t/mcp"), INITIALIZED).header("Mcp-Session-Id", session));
        return session;
    }

    private static String ticks(int id, int count, int ms, boolean progress) {
        String meta = progress ? ",\"_meta\":{\"progressToken\":\"p" + id + "\"}" : "";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"ticks\","
                + "\"arguments\":{\"count\":" + count + ",\"ms\":" + ms + "}" + meta + "}}";
    }

    private static String key(String id) {
        return id.substring(0, id.lastIndexOf('-'));
    }

    private static void assertConsecutive(List<SseParser.Event> events, String key, long from) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).id()).as("event " + i + " of " + events).isEqualTo(key + "-" + (from + i));
        }
    }

    @Test
    @DisplayName(
            "a POST stream cut after event k on one instance, resumed on the other: k+1… and the response, once, in "
                    + "order")
    void postStreamResumedOnAnotherInstance() throws Exception {
        String session = initialize(0);
        SseReader post = SseReader.open(RawHttp.request(url(0, "/t/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString(ticks(4, 6, 250, true))));
        String key = key(post.next().id());
        List<SseParser.Event> before = List.of(post.next(), post.next());
        assertConsecutive(before, key, 1);
        post.close();

        List<SseParser.Event> after;
        try (SseReader get = SseReader.open(RawHttp.request(url(1, "/t/mcp"))
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session)
                .header("Last-Event-ID", before.get(1).id()))) {
            assertThat(get.response().statusCode()).isEqualTo(200);
            after = get.rest();
        }
        assertConsecutive(after, key, 3);
        assertThat(after).hasSize(5);
        assertThat(after.subList(0, 4))
                .extracting(
                        e -> new JsonObject(e.data()).getJsonObject("params").getInteger("progress"))
                .containsExactly(3, 4, 5, 6);
        assertThat(new JsonObject(after.get(4).data()).getInteger("id")).isEqualTo(4);

        // The session kept every event in Redis as well, for an instance that adopts it.
        Vertx vertx = Vertx.vertx();
        RedisStore store = new RedisStore(vertx, redis.url());
        try {
            List<String> kept = store.range("stream:" + key, 0)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(kept).hasSize(7);
            assertThat(kept.get(0)).startsWith("1 - ");
            assertThat(kept.get(6)).startsWith("7 L ");
        } finally {
            store.close();
            vertx.close();
        }
    }

    @Test
    @DisplayName("legacy SSE: a stream whose connection vanished, resumed on the other instance, keeps its session and "
            + "gets the rest once")
    void legacyStreamResumedOnAnotherInstance() throws Exception {
        try (HalfOpenRelay network = HalfOpenRelay.to(ports.get(0))) {
            SseReader sse = SseReader.open(RawHttp.request("http://127.0.0.1:" + network.port() + "/t/sse")
                    .header("Accept", "text/event-stream"));
            SseParser.Event endpoint = sse.next();
            String messages = url(0, endpoint.data());
            RawHttp.send(RawHttp.mcpPost(messages, RawHttp.INITIALIZE));
            SseParser.Event initialized = sse.next();
            String key = key(initialized.id());
            RawHttp.send(RawHttp.mcpPost(messages, INITIALIZED));
            RawHttp.send(RawHttp.mcpPost(messages, ticks(2, 4, 200, false)));
            SseParser.Event first = sse.next();
            network.loseClients();
            sse.close();

            try (SseReader back = SseReader.open(RawHttp.request(url(1, "/t/sse"))
                    .header("Accept", "text/event-stream")
                    .header("Last-Event-ID", first.id()))) {
                SseParser.Event again = back.next();
                assertThat(again.name()).isEqualTo("endpoint");
                assertThat(again.data()).as("the same session").isEqualTo(endpoint.data());
                List<SseParser.Event> missed = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    missed.add(back.next());
                }
                long from = Long.parseLong(first.id().substring(first.id().lastIndexOf('-') + 1)) + 1;
                assertConsecutive(missed, key, from);
                assertThat(new JsonObject(missed.get(3).data()).getInteger("id"))
                        .isEqualTo(2);
                // Messages posted to the other instance reach the session, answers the resumed stream.
                RawHttp.send(RawHttp.mcpPost(url(1, endpoint.data()), ticks(3, 1, 10, false)));
                assertThat(new JsonObject(back.next().data())
                                .getJsonObject("params")
                                .getString("data"))
                        .isEqualTo("tick 1");
                assertThat(new JsonObject(back.next().data()).getInteger("id")).isEqualTo(3);
            }
        }
    }
}
