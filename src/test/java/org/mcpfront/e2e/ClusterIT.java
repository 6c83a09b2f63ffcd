package org.mcpfront.e2e;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontProcess;
import org.mcpfront.testing.McpClient;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RecordingProxy;
import org.mcpfront.testing.RedisServer;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real mcp-front JVMs joined by Hazelcast on 127.0.0.1, one Redis, and a load balancer that
 * sends each request to the next instance (no affinity): sign-in, tokens and MCP sessions of both
 * route types and both transports work while consecutive requests land on different instances; a
 * killed instance takes only its own sessions along; a restart of all keeps clients and tokens.
 */
@DisplayName("A cluster behind a load balancer without affinity")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ClusterIT {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static RedisServer redis;
    private static EverythingServer backend;
    private static RecordingProxy balancer;
    private static final List<Integer> ports = new ArrayList<>();
    private static final List<FrontProcess> fronts = new ArrayList<>();
    private static Path config;
    private static String issuer;
    private static JsonObject tokens;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        for (int i = 0; i < 3; i++) {
            ports.add(FreePorts.next());
        }
        balancer = RecordingProxy.roundRobin(ports);
        issuer = "http://127.0.0.1:" + balancer.port();
        config = Files.createTempFile("mcp-front-cluster", ".yaml");
        Files.writeString(config, """
                oauth:
                  issuer: "%s"
                  allowed_domains: ["example.com"]
                  identity: dev
                  storage: redis
                  redis_url: "%s"
                server:
                  host: "127.0.0.1"
                  port: ${FRONT_PORT}
                cluster:
                  enabled: true
                routes:
                  - path: "/remote"
                    type: http
                    backend: "%s"
                  - path: "/local"
                    type: stdio
                    command: %s
                """.formatted(issuer, redis.url(), backend.url(), EverythingServer.stdioCommandYaml()));
        startAll();
    }

    private static void startAll() {
        fronts.clear();
        for (int port : ports) {
            fronts.add(FrontProcess.start(Map.of("FRONT_PORT", Integer.toString(port)), "--config", config.toString()));
        }
        for (int i = 0; i < ports.size(); i++) {
            fronts.get(i).awaitListening(ports.get(i));
        }
        for (int port : ports) {
            awaitMembers(port, ports.size());
        }
    }

    /** Readiness reports the cluster's members; waits until this instance sees {@code count}. */
    private static void awaitMembers(int port, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> ready = RawHttp.send(RawHttp.anonymous("http://127.0.0.1:" + port + "/ready"));
            last = ready.body();
            if (ready.statusCode() == 200) {
                JsonObject cluster = findCheck(new JsonObject(last), "cluster");
                if (cluster != null && cluster.getJsonObject("data").getJsonArray("members").size() == count) {
                    return;
                }
            }
            FreePorts.sleep(200);
        }
        throw new AssertionError("instance on " + port + " never saw " + count + " members: " + last);
    }

    private static JsonObject findCheck(JsonObject ready, String id) {
        for (Object check : ready.getJsonArray("checks")) {
            JsonObject item = (JsonObject) check;
            if (id.equals(item.getString("id"))) {
                return item;
            }
        }
        return null;
    }

    @AfterAll
    static void stop() {
        List<AutoCloseable> all = new ArrayList<>(fronts);
        all.addAll(List.of(balancer, backend, redis));
        Closeables.closeAll(all.toArray(AutoCloseable[]::new));
    }

    private static HttpResponse<String> post(String url, String accessToken, String sessionId, String body) {
        HttpRequest.Builder request = RawHttp.mcpPost(url, body, accessToken);
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        return RawHttp.send(request);
    }

    @Test
    @Order(1)
    @DisplayName("sign-in and MCP sessions of both route types and transports work with every request on the next instance")
    void everythingAcrossInstances() {
        int before = balancer.routed().size();
        tokens = new OAuthBrowser(issuer).tokens(REDIRECT, "alice@example.com");
        assertThat(new HashSet<>(balancer.routed().subList(before, balancer.routed().size())))
                .as("the sign-in's requests were spread over every instance").containsExactlyInAnyOrderElementsOf(ports);

        String bearer = "Authorization: Bearer " + tokens.getString("access_token");
        for (String route : List.of("/remote", "/local")) {
            McpClient.runPassing(issuer + route + "/mcp", McpClient.Transport.STREAMABLE, "--header", bearer);
            McpClient.runPassing(issuer + route + "/sse", McpClient.Transport.SSE, "--header", bearer);
        }
    }

    @Test
    @Order(2)
    @DisplayName("a killed instance's sessions answer 404, the others' keep working, new sessions and old tokens work")
    void killedInstance() {
        String access = tokens.getString("access_token");
        String onVictim = post("http://127.0.0.1:" + ports.get(2) + "/remote/mcp", access, null, RawHttp.INITIALIZE)
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
        String onSurvivor = post("http://127.0.0.1:" + ports.get(0) + "/remote/mcp", access, null, RawHttp.INITIALIZE)
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
        String initialized = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        assertThat(post("http://127.0.0.1:" + ports.get(1) + "/remote/mcp", access, onVictim, initialized).statusCode())
                .as("a session on another instance is reached over the event bus").isEqualTo(202);

        fronts.get(2).kill();
        // Until the others notice the member is gone, a request for its session times out (504).
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status;
        do {
            status = post("http://127.0.0.1:" + ports.get(1) + "/remote/mcp", access, onVictim, initialized).statusCode();
        } while (status != 404 && System.nanoTime() < deadline);
        assertThat(status).as("the dead instance's session").isEqualTo(404);
        assertThat(post("http://127.0.0.1:" + ports.get(1) + "/remote/mcp", access, onSurvivor, initialized).statusCode())
                .as("a session on a live instance").isEqualTo(202);

        try (RecordingProxy survivors = RecordingProxy.roundRobin(ports.subList(0, 2))) {
            String url = "http://127.0.0.1:" + survivors.port();
            McpClient.runPassing(url + "/local/mcp", McpClient.Transport.STREAMABLE, "--header", "Authorization: Bearer " + access,
                    "--steps", "initialize,tools/call,close");
        }
    }

    @Test
    @Order(3)
    @DisplayName("a rolling restart: SIGTERM drains one instance and it leaves; the others keep serving, and it rejoins")
    void rollingRestart() {
        String access = tokens.getString("access_token");
        String onLeaving = post("http://127.0.0.1:" + ports.get(1) + "/remote/mcp", access, null, RawHttp.INITIALIZE)
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
        // The JVM reports a SIGTERM that its shutdown hook handled as 143 (128 + 15).
        assertThat(fronts.get(1).stop(Duration.ofSeconds(40))).as("exit code after a drain").isIn(0, 143);
        assertThat(fronts.get(1).output()).contains("stopped");
        assertThat(post("http://127.0.0.1:" + ports.get(0) + "/remote/mcp", access, onLeaving,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode())
                .as("its drained session is gone at once, not after a timeout").isEqualTo(404);
        assertThat(post("http://127.0.0.1:" + ports.get(0) + "/remote/mcp", access, null, RawHttp.INITIALIZE).statusCode())
                .isEqualTo(200);

        fronts.set(1, FrontProcess.start(Map.of("FRONT_PORT", Integer.toString(ports.get(1))), "--config", config.toString())
                .awaitListening(ports.get(1)));
        awaitMembers(ports.get(0), 2);
        assertThat(post("http://127.0.0.1:" + ports.get(1) + "/remote/mcp", access, null, RawHttp.INITIALIZE).statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(4)
    @DisplayName("after every instance restarts, registered clients and refresh tokens still work")
    void restartAll() {
        fronts.forEach(front -> front.stop(Duration.ofSeconds(40)));
        startAll();
        OAuthBrowser browser = new OAuthBrowser(issuer);
        HttpResponse<String> refreshed = browser.refresh(tokens.getString("client_id"), tokens.getString("refresh_token"));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        String access = new JsonObject(refreshed.body()).getString("access_token");
        assertThat(post(issuer + "/remote/mcp", access, null, RawHttp.INITIALIZE).statusCode()).isEqualTo(200);
        OAuthBrowser.Authorization again = browser.authorization(tokens.getString("client_id"), REDIRECT);
        assertThat(browser.exchange(again, browser.authorize(again, "alice@example.com")).statusCode()).isEqualTo(200);
    }
}
