package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
import org.mcpfront.testing.MatrixClient;
import org.mcpfront.testing.McpClient;
import org.mcpfront.testing.ModernServer;
import org.mcpfront.testing.ModernWire;
import org.mcpfront.testing.NodeScript;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RecordingProxy;
import org.mcpfront.testing.RedisServer;

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
    /** Reads the members in /ready's details, which only an admin gets. */
    private static final String ADMIN = "ops@example.com";

    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    /**
     * A clustered instance listens only after it joined the cluster and loaded its keys from Redis;
     * three JVMs doing that at once on a busy 2-core machine can take far longer than one alone.
     * The wait ends as soon as the port opens.
     */
    private static final Duration CLUSTERED_START = Duration.ofSeconds(120);
    /** Each instance sees the others within this once all of them listen. */
    private static final Duration MEMBERSHIP = Duration.ofSeconds(60);
    /** SIGTERM to exit: mcp-front gives its drain 30 s (Main), then leaves the cluster. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(60);
    /** Requests one user may send /limited per hour, all instances together. */
    private static final int BURST_LIMIT = 6;
    /** Sessions one user may hold on /capped, all instances together. */
    private static final int SESSIONS_PER_USER = 2;

    private static RedisServer redis;
    private static EverythingServer backend;
    private static ModernServer modernBackend;
    private static RecordingProxy balancer;
    private static final List<Integer> ports = new ArrayList<>();
    private static final List<FrontProcess> fronts = new ArrayList<>();
    private static Path config;
    private static String issuer;
    private static JsonObject tokens;
    private static String adminToken;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        modernBackend = ModernServer.start(ModernServer.Era.DUAL);
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
                  admins: ["%s"]
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
                  - path: "/modern"
                    type: http
                    backend: "%s"
                  - path: "/limited"
                    type: http
                    backend: "%s"
                    access: { rate_limit: "%d/1h" }
                  - path: "/capped"
                    type: http
                    backend: "%s"
                    max_sessions_per_user: %d
                """.formatted(
                        issuer,
                        ADMIN,
                        redis.url(),
                        backend.url(),
                        EverythingServer.stdioCommandYaml(),
                        modernBackend.url(),
                        backend.url(),
                        BURST_LIMIT,
                        backend.url(),
                        SESSIONS_PER_USER));
        // All at once, as an instance group starts: the first start also settles, with three
        // instances racing, the one signing key the cluster shares (kept in Redis).
        startAll(true);
    }

    /**
     * Starts an instance on every port, {@code together} or each after the previous one listens,
     * and waits until every instance sees all the others.
     */
    private static void startAll(boolean together) {
        fronts.clear();
        for (int i = 0; i < ports.size(); i++) {
            fronts.add(startFront(ports.get(i)));
            if (!together) {
                fronts.get(i).awaitListening(ports.get(i), CLUSTERED_START);
            }
        }
        if (together) {
            for (int i = 0; i < ports.size(); i++) {
                fronts.get(i).awaitListening(ports.get(i), CLUSTERED_START);
            }
        }
        for (int port : ports) {
            awaitMembers(port, ports.size());
        }
    }

    private static FrontProcess startFront(int port) {
        return FrontProcess.start(Map.of("FRONT_PORT", Integer.toString(port)), "--config", config.toString());
    }

    /**
     * Readiness reports the cluster's members to an admin; waits until this instance sees {@code count}.
     * The admin signs in once, through the balancer: clients, keys and revocations live in Redis, so
     * the token holds on every instance and across restarts.
     */
    private static void awaitMembers(int port, int count) {
        if (adminToken == null) {
            adminToken = new OAuthBrowser(issuer).tokens(REDIRECT, ADMIN).getString("access_token");
        }
        long deadline = System.nanoTime() + MEMBERSHIP.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> ready = RawHttp.send(RawHttp.anonymous("http://127.0.0.1:" + port + "/ready")
                        .header("Authorization", "Bearer " + adminToken)
                        .timeout(Duration.ofSeconds(10)));
                last = ready.statusCode() + " " + ready.body();
                if (ready.statusCode() == 200) {
                    JsonObject cluster = findCheck(new JsonObject(ready.body()), "cluster");
                    if (cluster != null
                            && cluster.getJsonObject("data")
                                            .getJsonArray("members")
                                            .size()
                                    == count) {
                        return;
                    }
                }
            } catch (IllegalStateException noAnswer) {
                // A busy instance may not answer one probe in time; the deadline decides.
                last = noAnswer.getMessage();
            }
            FreePorts.sleep(200);
        }
        throw new AssertionError(
                "instance on " + port + " never saw " + count + " members within " + MEMBERSHIP + ": " + last);
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
        all.addAll(List.of(balancer, backend, modernBackend, redis));
        Closeables.closeAll(all.toArray(AutoCloseable[]::new));
    }

    private static HttpRequest.Builder request(String url, String accessToken, String sessionId, String body) {
        HttpRequest.Builder request = RawHttp.mcpPost(url, body, accessToken);
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        return request;
    }

    private static HttpResponse<String> post(String url, String accessToken, String sessionId, String body) {
        return RawHttp.send(request(url, accessToken, sessionId, body));
    }

    private static String remote(int port) {
        return "http://127.0.0.1:" + port + "/remote/mcp";
    }

    /** An initialize sent straight to the instance on {@code port}: the session it opened there. */
    private static String openSession(int port, String accessToken) {
        return openSessionAt(remote(port), accessToken);
    }

    private static String modern(int port) {
        return "http://127.0.0.1:" + port + "/modern/mcp";
    }

    /** An initialize sent straight to {@code url}: the session it opened there. */
    private static String openSessionAt(String url, String accessToken) {
        HttpResponse<String> answer = post(url, accessToken, null, RawHttp.INITIALIZE);
        assertThat(answer.statusCode())
                .as("initialize on %s: %s", url, answer.body())
                .isEqualTo(200);
        return answer.headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow(
                        () -> new AssertionError("initialize on " + url + " named no session: " + answer.headers()));
    }

    /** What a series of attempts ended with (-1: no answer in time) and what each one saw. */
    private record Attempts(int status, List<String> seen) {
        @Override
        public String toString() {
            return "attempts: "
                    + (seen.size() <= 12
                            ? seen
                            : seen.subList(0, 6) + " ... " + seen.subList(seen.size() - 6, seen.size()) + " ("
                                    + seen.size() + ")");
        }
    }

    /**
     * POSTs {@code body} for {@code sessionId} to the instance on {@code port} until the answer is
     * {@code wanted}, or one of {@code fatal}, or {@code within} has passed. An attempt that has no
     * answer after {@code perAttempt} counts as a failed one. The caller asserts on the result.
     */
    private static Attempts postUntil(
            int wanted,
            Set<Integer> fatal,
            Duration within,
            Duration perAttempt,
            int port,
            String accessToken,
            String sessionId,
            String body) {
        return postUntilAt(wanted, fatal, within, perAttempt, remote(port), accessToken, sessionId, body);
    }

    private static Attempts postUntilAt(
            int wanted,
            Set<Integer> fatal,
            Duration within,
            Duration perAttempt,
            String url,
            String accessToken,
            String sessionId,
            String body) {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            long start = System.nanoTime();
            int status;
            String outcome;
            try {
                HttpResponse<String> answer =
                        RawHttp.send(request(url, accessToken, sessionId, body).timeout(perAttempt));
                status = answer.statusCode();
                outcome = Integer.toString(status);
            } catch (IllegalStateException noAnswer) {
                if (Thread.currentThread().isInterrupted()) {
                    throw noAnswer;
                }
                status = -1;
                outcome = noAnswer.getMessage();
            }
            seen.add(outcome + " in "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            if (status == wanted || fatal.contains(status) || System.nanoTime() >= deadline) {
                return new Attempts(status, seen);
            }
            FreePorts.sleep(250);
        }
    }

    @Test
    @Order(1)
    @DisplayName("the status report of any instance gathers every member: each answers with the sessions it holds")
    void statusGathersEveryMember() {
        awaitMembers(ports.get(0), ports.size());
        HttpResponse<String> status =
                RawHttp.send(RawHttp.anonymous("http://127.0.0.1:" + ports.get(1) + "/status.json")
                        .header("Authorization", "Bearer " + adminToken)
                        .timeout(Duration.ofSeconds(20)));
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        JsonArray members = new JsonObject(status.body()).getJsonArray("members");
        assertThat(members).hasSize(ports.size());
        assertThat(members.stream().map(JsonObject.class::cast))
                .allMatch(member -> member.getBoolean("reachable"))
                .allMatch(member -> member.getInteger("max_sessions") > 0)
                .filteredOn(member -> member.getBoolean("self"))
                .hasSize(1);
    }

    @Test
    @Order(1)
    @DisplayName(
            "sign-in and MCP sessions of both route types and transports work with every request on the next instance")
    void everythingAcrossInstances() {
        int before = balancer.routed().size();
        tokens = new OAuthBrowser(issuer).tokens(REDIRECT, "alice@example.com");
        assertThat(new HashSet<>(
                        balancer.routed().subList(before, balancer.routed().size())))
                .as("the sign-in's requests were spread over every instance")
                .containsExactlyInAnyOrderElementsOf(ports);

        String bearer = "Authorization: Bearer " + tokens.getString("access_token");
        for (String route : List.of("/remote", "/local")) {
            McpClient.runPassing(issuer + route + "/mcp", McpClient.Transport.STREAMABLE, "--header", bearer);
            McpClient.runPassing(issuer + route + "/sse", McpClient.Transport.SSE, "--header", bearer);
        }
    }

    @Test
    @Order(2)
    @DisplayName("2026-07-28 requests of one client spread over every instance, no affinity, elicitation round trips "
            + "included")
    void modernAcrossInstances() {
        String bearer = tokens.getString("access_token");
        for (String route : List.of("/modern", "/remote", "/local")) {
            int before = balancer.routed().size();
            MatrixClient.Report report = MatrixClient.to(issuer + route + "/mcp", MatrixClient.Kind.V2_PIN)
                    .header("Authorization", "Bearer " + bearer)
                    .runPassing();
            assertThat(report.era()).as(report.describe()).isEqualTo("modern");
            assertThat(report.step("elicitation").getInteger("asked"))
                    .as(report.describe())
                    .isEqualTo(1);
            assertThat(new HashSet<>(
                            balancer.routed().subList(before, balancer.routed().size())))
                    .as("the requests on %s were spread over every instance", route)
                    .containsExactlyInAnyOrderElementsOf(ports);
        }
        // The same user's requests to a 2025 backend, each sent to another instance, share one bridged session.
        for (int round = 0; round < 2; round++) {
            for (int port : ports) {
                HttpResponse<String> answer = RawHttp.send(ModernWire.post(
                                remote(port),
                                ModernWire.body(
                                        round * 10 + port % 7,
                                        "tools/call",
                                        new JsonObject()
                                                .put("name", "echo")
                                                .put("arguments", new JsonObject().put("message", "via " + port)),
                                        new JsonObject()))
                        .setHeader("Authorization", "Bearer " + bearer));
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(RawHttp.lastMessage(answer).getJsonObject("result").encode())
                        .contains("Echo: via " + port);
            }
        }
        long bridged = fronts.stream()
                .flatMap(front -> front.output().lines())
                .filter(line -> line.contains("session opened") && line.contains("/remote") && line.contains("modern"))
                .count();
        assertThat(bridged)
                .as("one session carries the user's 2026-07-28 requests to /remote, on whichever instance")
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    @DisplayName("a killed instance's HTTP-route session is adopted by another, same id; another user cannot bring it "
            + "back; the others keep working")
    void killedInstance() {
        String access = tokens.getString("access_token");
        String onVictim = openSession(ports.get(2), access);
        String onSurvivor = openSession(ports.get(0), access);
        // A 2025 client's session on the 2026-07-28 backend: mcp-front keeps that session itself (the bridge).
        String bridgedOnVictim = openSessionAt(modern(ports.get(2)), access);
        assertThat(post(modern(ports.get(2)), access, bridgedOnVictim, INITIALIZED)
                        .statusCode())
                .isEqualTo(202);
        assertThat(echo(post(modern(ports.get(2)), access, bridgedOnVictim, echoCall(2, "bridged before"))))
                .isEqualTo("Echo: bridged before");
        // A legacy SSE client's session on the victim too: its stream dies with it, its POSTs go on.
        HttpResponse<java.util.stream.Stream<String>> sse =
                RawHttp.stream(RawHttp.anonymous("http://127.0.0.1:" + ports.get(2) + "/remote/sse")
                        .header("Authorization", "Bearer " + access)
                        .header("Accept", "text/event-stream")
                        .GET());
        String endpoint = sse.body()
                .filter(line -> line.startsWith("data: "))
                .findFirst()
                .orElseThrow()
                .substring("data: ".length());
        String sseSession = endpoint.replaceFirst("^.*sessionId=", "");
        String messages = "http://127.0.0.1:" + ports.get(1) + endpoint;
        assertThat(RawHttp.send(RawHttp.mcpPost(messages, RawHttp.INITIALIZE, access))
                        .statusCode())
                .isEqualTo(202);
        assertThat(RawHttp.send(RawHttp.mcpPost(messages, INITIALIZED, access)).statusCode())
                .isEqualTo(202);
        HttpResponse<String> reached = post(remote(ports.get(1)), access, onVictim, INITIALIZED);
        assertThat(reached.statusCode())
                .as("a session on another instance is reached over the event bus: %s", reached.body())
                .isEqualTo(202);
        assertThat(echo(post(remote(ports.get(1)), access, onVictim, echoCall(2, "before the kill"))))
                .isEqualTo("Echo: before the kill");

        fronts.get(2).kill();
        // Until the others notice the member is gone, a request for its session waits 10 s and
        // answers 504. The refused connections of a killed process give it away within a second or
        // two; the heartbeat timeout (30 s on loopback) would only be needed for a hung one. Then the
        // session is nowhere, and its owner's next request brings it back on the instance it reached.
        Attempts stranger = postUntil(
                404,
                Set.of(200, 202),
                Duration.ofSeconds(60),
                Duration.ofSeconds(20),
                ports.get(1),
                adminToken,
                onVictim,
                echoCall(3, "not mine"));
        assertThat(stranger.status())
                .as("another user's token on the dead instance's session, %s", stranger)
                .isEqualTo(404);
        Attempts adopted = postUntil(
                200,
                Set.of(404),
                Duration.ofSeconds(60),
                Duration.ofSeconds(20),
                ports.get(1),
                access,
                onVictim,
                echoCall(4, "after the kill"));
        assertThat(adopted.status())
                .as("the dead instance's session, %s", adopted)
                .isEqualTo(200);
        Attempts bridged = postUntilAt(
                200,
                Set.of(404),
                Duration.ofSeconds(60),
                Duration.ofSeconds(20),
                modern(ports.get(0)),
                access,
                bridgedOnVictim,
                echoCall(9, "bridged after"));
        assertThat(bridged.status())
                .as("the dead instance's 2025 session on the 2026-07-28 backend, %s", bridged)
                .isEqualTo(200);
        // The same session id serves on every instance, the upstream session taken over.
        assertThat(echo(post(remote(ports.get(0)), access, onVictim, echoCall(5, "again"))))
                .isEqualTo("Echo: again");
        assertThat(fronts.get(1).output())
                .contains("session adopted from an instance that is gone")
                .contains(onVictim);
        assertThat(post(remote(ports.get(0)), adminToken, onVictim, echoCall(6, "still not mine"))
                        .statusCode())
                .as("the adopted session answers only its owner")
                .isEqualTo(404);

        // The legacy SSE client's POSTs to /message reach its session again (a new backend session opened
        // in its name); its answers wait for a stream to attach.
        sse.body().close();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status;
        while ((status = RawHttp.send(RawHttp.mcpPost(messages, echoCall(8, "sse after the kill"), access)
                                        .timeout(Duration.ofSeconds(20)))
                                .statusCode())
                        != 202
                && status != 404
                && System.nanoTime() < deadline) {
            FreePorts.sleep(250);
        }
        assertThat(status)
                .as("a legacy SSE client's POST after its instance died")
                .isEqualTo(202);
        assertThat(fronts.get(1).output()).contains(sseSession);

        // Once the others know, a session on a live instance answers; "gone" (404) would be wrong
        // at any point, a moment's 5xx while the cluster settles is retried.
        Attempts alive = postUntil(
                202,
                Set.of(404),
                Duration.ofSeconds(30),
                Duration.ofSeconds(20),
                ports.get(1),
                access,
                onSurvivor,
                INITIALIZED);
        assertThat(alive.status()).as("a session on a live instance, %s", alive).isEqualTo(202);

        // A session that ended on its own is gone for good: no instance brings it back.
        RawHttp.send(RawHttp.anonymous(remote(ports.get(0)))
                .header("Authorization", "Bearer " + access)
                .header("Mcp-Session-Id", onVictim)
                .DELETE());
        assertThat(post(remote(ports.get(1)), access, onVictim, echoCall(7, "after the end"))
                        .statusCode())
                .isEqualTo(404);

        try (RecordingProxy survivors = RecordingProxy.roundRobin(ports.subList(0, 2))) {
            String url = "http://127.0.0.1:" + survivors.port();
            McpClient.runPassing(
                    url + "/local/mcp",
                    McpClient.Transport.STREAMABLE,
                    "--header",
                    "Authorization: Bearer " + access,
                    "--steps",
                    "initialize,tools/call,close");
        }
    }

    private static String echoCall(int id, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"" + message + "\"}}}";
    }

    /** The text of an echo tool call's answer. */
    private static String echo(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonObject message = RawHttp.lastMessage(answer);
        assertThat(message.containsKey("result")).as(message.encode()).isTrue();
        return message.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text");
    }

    @Test
    @Order(4)
    @DisplayName(
            "a rolling restart: SIGTERM drains one instance and it leaves; the others keep serving, and it rejoins")
    void rollingRestart() {
        String access = tokens.getString("access_token");
        String onLeaving = openSession(ports.get(1), access);
        // The JVM reports a SIGTERM that its shutdown hook handled as 143 (128 + 15).
        assertThat(fronts.get(1).stop(DRAIN_GRACE))
                .as("exit code after a drain")
                .isIn(0, 143);
        assertThat(fronts.get(1).output()).contains("stopped");
        // The drain ended the session and the member left; the other instance may take a moment to
        // see that, and a request sent to the departed member meanwhile would wait 10 s for a 504.
        // Each attempt is cut off well before that, so the poll can only pass on a 404: the session
        // is reported gone, never timed out.
        Attempts drained = postUntil(
                404,
                Set.of(),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                ports.get(0),
                access,
                onLeaving,
                INITIALIZED);
        assertThat(drained.status())
                .as("its drained session answers 404, not a timeout, %s", drained)
                .isEqualTo(404);
        openSession(ports.get(0), access);

        fronts.set(1, startFront(ports.get(1)).awaitListening(ports.get(1), CLUSTERED_START));
        awaitMembers(ports.get(0), 2);
        awaitMembers(ports.get(1), 2);
        openSession(ports.get(1), access);
    }

    @Test
    @Order(5)
    @DisplayName("after every instance restarts, registered clients and refresh tokens still work")
    void restartAll() {
        fronts.forEach(front -> front.stop(DRAIN_GRACE));
        // One after another: what this checks is that clients and tokens outlive the instances;
        // three JVMs joining at once only slow each other down (the first start covers that).
        startAll(false);
        OAuthBrowser browser = new OAuthBrowser(issuer);
        HttpResponse<String> refreshed =
                browser.refresh(tokens.getString("client_id"), tokens.getString("refresh_token"));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        String access = new JsonObject(refreshed.body()).getString("access_token");
        assertThat(post(issuer + "/remote/mcp", access, null, RawHttp.INITIALIZE)
                        .statusCode())
                .isEqualTo(200);
        OAuthBrowser.Authorization again = browser.authorization(tokens.getString("client_id"), REDIRECT);
        assertThat(browser.exchange(again, browser.authorize(again, "alice@example.com"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(6)
    @DisplayName(
            "a refresh retried on another instance, or sent to two at once, gets the same pair; an older token revokes")
    void refreshRetriesAcrossInstances() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        JsonObject first = browser.tokens(REDIRECT, "alice@example.com");
        String clientId = first.getString("client_id");
        JsonObject second = refreshAt(ports.get(0), clientId, first.getString("refresh_token"));
        assertThat(refreshAt(ports.get(1), clientId, first.getString("refresh_token")))
                .as("a retry on another instance")
                .isEqualTo(second);

        // Two instances get the same refresh at the same moment: one rotates, both answer its pair.
        List<CompletableFuture<JsonObject>> both = ports.subList(1, 3).stream()
                .map(port -> CompletableFuture.supplyAsync(
                        () -> refreshAt(port, clientId, second.getString("refresh_token"))))
                .toList();
        JsonObject third = both.get(0).join();
        assertThat(both.get(1).join()).isEqualTo(third);
        assertThat(third.getString("refresh_token")).isNotEqualTo(second.getString("refresh_token"));

        HttpResponse<String> reuse = refreshResponseAt(ports.get(2), clientId, first.getString("refresh_token"));
        assertThat(reuse.statusCode())
                .as("a token older than the one rotated last")
                .isEqualTo(400);
        assertThat(refreshResponseAt(ports.get(0), clientId, third.getString("refresh_token"))
                        .statusCode())
                .as("the family is revoked on every instance")
                .isEqualTo(400);
    }

    @Test
    @Order(7)
    @DisplayName("a user's burst beyond a route's per-user rate gets 429 with Retry-After from every instance")
    void rateLimitAcrossInstances() {
        String token =
                new OAuthBrowser(issuer).tokens(REDIRECT, "burst@example.com").getString("access_token");
        // The count is per hour on the wall clock: start a burst well inside one hour.
        long intoHour = System.currentTimeMillis() % Duration.ofHours(1).toMillis();
        if (intoHour > Duration.ofHours(1).minusSeconds(60).toMillis()) {
            FreePorts.sleep(Duration.ofHours(1).toMillis() - intoHour + 1000);
        }
        // A notification without a session: each is counted, then answered 400 (no session is opened).
        for (int i = 0; i < BURST_LIMIT; i++) {
            HttpResponse<String> under =
                    RawHttp.send(RawHttp.mcpPost(limited(ports.get(i % ports.size())), INITIALIZED, token));
            assertThat(under.statusCode())
                    .as("request %d of %d: %s", i + 1, BURST_LIMIT, under.body())
                    .isEqualTo(400);
        }
        for (int port : ports) {
            HttpResponse<String> over = RawHttp.send(RawHttp.mcpPost(limited(port), INITIALIZED, token));
            assertThat(over.statusCode())
                    .as("instance on %d: %s", port, over.body())
                    .isEqualTo(429);
            assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 3600L);
            assertThat(new JsonObject(over.body()).getJsonObject("error").getInteger("code"))
                    .isEqualTo(-32006);
        }
        // Another user's count is their own.
        String other =
                new OAuthBrowser(issuer).tokens(REDIRECT, "calm@example.com").getString("access_token");
        assertThat(RawHttp.send(RawHttp.mcpPost(limited(ports.get(0)), INITIALIZED, other))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    @Order(8)
    @DisplayName("a user's session beyond max_sessions_per_user is refused on another instance; once one ends, a new "
            + "one opens")
    void sessionsPerUserAcrossInstances() {
        String token =
                new OAuthBrowser(issuer).tokens(REDIRECT, "capped@example.com").getString("access_token");
        List<String> held = new ArrayList<>();
        for (int i = 0; i < SESSIONS_PER_USER; i++) {
            held.add(openCapped(ports.get(i), token));
        }
        for (int port : ports) {
            HttpResponse<String> over = post(capped(port), token, null, RawHttp.INITIALIZE);
            assertThat(over.statusCode())
                    .as("instance on %d: %s", port, over.body())
                    .isEqualTo(503);
            assertThat(new JsonObject(over.body()).getJsonObject("error").getString("message"))
                    .contains("you have " + SESSIONS_PER_USER + " sessions on /capped");
        }
        // Counted where it was refused, by route and reason.
        assertThat(RawHttp.send(RawHttp.anonymous("http://127.0.0.1:" + ports.get(2) + "/metrics")
                                .header("Authorization", "Bearer " + adminToken))
                        .body())
                .containsPattern("mcp_front_refusals_total\\{[^}]*reason=\"sessions_per_user\"[^}]*route=\"/capped\"");
        String other = new OAuthBrowser(issuer)
                .tokens(REDIRECT, "uncapped@example.com")
                .getString("access_token");
        openCapped(ports.get(2), other);

        HttpResponse<String> ended = RawHttp.send(RawHttp.anonymous(capped(ports.get(0)))
                .header("Authorization", "Bearer " + token)
                .header("Mcp-Session-Id", held.get(0))
                .DELETE());
        assertThat(ended.statusCode()).as(ended.body()).isBetween(200, 204);
        // A place is free again, for a session on any instance.
        RawHttp.awaitStatus(() -> RawHttp.mcpPost(capped(ports.get(2)), RawHttp.INITIALIZE, token), 200);
    }

    private static String openCapped(int port, String accessToken) {
        HttpResponse<String> answer = post(capped(port), accessToken, null, RawHttp.INITIALIZE);
        assertThat(answer.statusCode())
                .as("initialize on %d: %s", port, answer.body())
                .isEqualTo(200);
        return answer.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static String capped(int port) {
        return "http://127.0.0.1:" + port + "/capped/mcp";
    }

    @Test
    @Order(9)
    @DisplayName("kill -9 the instance that owns a TypeScript SDK client's HTTP-route session: over Streamable HTTP its"
            + " next call is answered by another instance, same session id; over legacy SSE the session is adopted"
            + " too, and the SDK keeps it unless it reconnects its stream without Last-Event-ID")
    void sdkClientsAcrossAKill() throws Exception {
        String access = tokens.getString("access_token");
        int victim = ports.get(2);
        int survivor = ports.get(0);
        Path dir = Files.createTempDirectory("failover");
        CompletableFuture<NodeScript.Result> streamable = failoverClient("streamable", victim, survivor, access, dir);
        CompletableFuture<NodeScript.Result> sse = failoverClient("sse", victim, survivor, access, dir);
        String streamableSession = awaitFile(dir.resolve("streamable.ready"), streamable);
        String sseSession = awaitFile(dir.resolve("sse.ready"), sse);

        fronts.get(2).kill();
        // The balancer in the clients takes the dead port out; the cluster drops the member.
        awaitMembers(survivor, 2);
        Files.writeString(dir.resolve("streamable.go"), "go");
        Files.writeString(dir.resolve("sse.go"), "go");

        JsonObject overStreamable = finished(streamable);
        assertThat(overStreamable.getString("sessionBefore")).isEqualTo(streamableSession);
        assertThat(overStreamable.getJsonArray("results"))
                .as("both calls answered: %s", overStreamable)
                .containsExactly("Echo: before", "Echo: after");
        assertThat(overStreamable.getString("sessionAfter"))
                .as("the same Mcp-Session-Id after the kill")
                .isEqualTo(streamableSession);
        assertThat(fronts.get(0).output()).contains(streamableSession);

        // Legacy SSE: mcp-front carries the session on under its id (its /message endpoint answers on another
        // instance). The SDK v1 client keeps it only if its stream comes back with Last-Event-ID; its
        // EventSource fetch wrapper drops that header, so it follows the endpoint of a new session instead.
        JsonObject overSse = finished(sse);
        assertThat(overSse.getString("sessionBefore")).isEqualTo(sseSession);
        HttpResponse<String> adopted = RawHttp.send(RawHttp.mcpPost(
                        "http://127.0.0.1:" + survivor + "/remote/message?sessionId=" + sseSession,
                        echoCall(9, "sse after the kill"),
                        access)
                .timeout(Duration.ofSeconds(20)));
        assertThat(adopted.statusCode())
                .as("the legacy session's endpoint on another instance: %s", adopted.body())
                .isEqualTo(202);
        if (!sseSession.equals(overSse.getString("sessionAfter"))) {
            List<JsonObject> reconnects = new ArrayList<>();
            for (Object request : overSse.getJsonArray("requests")) {
                JsonObject r = (JsonObject) request;
                if ("GET".equals(r.getString("method"))
                        && String.valueOf(survivor).equals(r.getString("port"))) {
                    reconnects.add(r);
                }
            }
            assertThat(reconnects)
                    .as("a new session for the SDK only where its stream came back without Last-Event-ID: %s", overSse)
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getValue("lastEventId")).isNull());
        } else {
            assertThat(overSse.getJsonArray("results")).containsExactly("Echo: before", "Echo: after");
        }
    }

    private static CompletableFuture<NodeScript.Result> failoverClient(
            String transport, int port, int fallback, String access, Path dir) {
        String path = "streamable".equals(transport) ? "/remote/mcp" : "/remote/sse";
        List<String> args = List.of(
                "--url",
                "http://127.0.0.1:" + port + path,
                "--fallback-port",
                Integer.toString(fallback),
                "--transport",
                transport,
                "--header",
                "Authorization: Bearer " + access,
                "--ready",
                dir.resolve(transport + ".ready").toString(),
                "--go",
                dir.resolve(transport + ".go").toString());
        return CompletableFuture.supplyAsync(
                () -> NodeScript.run(Duration.ofSeconds(180), NodeTools.node(), "failover-client.mjs", args));
    }

    /** The content of {@code file} once the client wrote it; fails with its output if it ended first. */
    private static String awaitFile(Path file, CompletableFuture<NodeScript.Result> client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file) || Files.size(file) == 0) {
            if (client.isDone()) {
                throw new AssertionError("the client ended before its first call: " + client.get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the client made no first call within 60 s");
            }
            FreePorts.sleep(100);
        }
        return Files.readString(file).trim();
    }

    private static JsonObject finished(CompletableFuture<NodeScript.Result> client) throws Exception {
        NodeScript.Result result = client.get();
        assertThat(result.exitCode()).as("%s", result).isZero();
        return result.report();
    }

    private static String limited(int port) {
        return "http://127.0.0.1:" + port + "/limited/mcp";
    }

    private static JsonObject refreshAt(int port, String clientId, String refreshToken) {
        HttpResponse<String> response = refreshResponseAt(port, clientId, refreshToken);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject pair = new JsonObject(response.body());
        // The remaining lifetime differs by when it is asked; the pair itself must not.
        pair.remove("expires_in");
        return pair;
    }

    private static HttpResponse<String> refreshResponseAt(int port, String clientId, String refreshToken) {
        return new OAuthBrowser(issuer)
                .postForm(
                        "http://127.0.0.1:" + port + "/token",
                        Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId));
    }
}
