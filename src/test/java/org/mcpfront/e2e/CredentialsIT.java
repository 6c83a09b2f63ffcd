package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.credentials.CredentialStore;
import org.mcpfront.testing.BrowserPages;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.IdentityEchoBackend;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.OAuthServiceStandIn;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RedisServer;
import org.mcpfront.testing.TestTokens;

/**
 * Each user's own credential at the service behind a route, end to end: mock-oauth2-server stands in for the
 * service, a user connects in Chromium on {@code /connections}, a recording backend receives that user's token,
 * another user is refused with an error naming the page until they connect, the token is refreshed before it
 * expires, disconnect and a revoked grant remove it, and Redis holds only ciphertext.
 * Screenshots: {@code target/connections/}.
 */
@DisplayName("Users' own service credentials")
@Timeout(300)
class CredentialsIT {

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    /** Longer than the refresh margin (60 s) by enough for the first calls, short enough to wait out. */
    private static final long FIRST_TOKEN_SECONDS = 75;

    private RedisServer redis;
    private OAuthServiceStandIn service;
    private IdentityEchoBackend backend;
    private FrontHarness front;
    private String issuer;
    private final Path out = Path.of("target", "connections").toAbsolutePath();

    @BeforeEach
    void start() throws IOException, NoSuchAlgorithmException {
        redis = RedisServer.start();
        service = OAuthServiceStandIn.start();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        backend = IdentityEchoBackend.start(
                (RSAPublicKey) generator.generateKeyPair().getPublic());
        Path keyFile = Files.createTempFile("mcp-front-credentials", ".key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key));
        int port = FreePorts.next();
        issuer = "http://127.0.0.1:" + port;
        front = FrontHarness.startWith("""
                oauth:
                  issuer: "%s"
                  allowed_domains: ["example.com"]
                  identity: dev
                  admins: ["ops@example.com"]
                  signing_key_file: "%s"
                  storage: redis
                  redis_url: "%s"
                  limits: { registrations_per_address: "100000/1h", authorizations_per_address: "100000/1m" }
                server:
                  host: "127.0.0.1"
                  port: %d
                credentials:
                  keys: [{ id: k1, file: "%s" }]
                routes:
                  - path: /svc
                    type: http
                    protocol: "2025"
                    backend: "%s/recorded/mcp"
                    headers: { Authorization: "Bearer ${user.credential}" }
                    credential:
                      kind: oauth
                      issuer: "%s"
                      client_id: "%s"
                      client_secret: "%s"
                      scopes: [openid]
                  - path: /strict
                    type: http
                    protocol: "2025"
                    backend: "%s/asserted/mcp"
                    headers: { Authorization: "Bearer ${user.credential}" }
                    health_check: { interval: 1s }
                    credential: { kind: token }
                  - path: /notes
                    type: stdio
                    command: ["node", "%s"]
                    environment: { SERVICE_TOKEN: "${user.credential}" }
                    credential: { kind: token, instructions: "Paste your Notes API key" }
                """.formatted(
                        issuer,
                        TestTokens.keyFile(),
                        redis.url(),
                        port,
                        keyFile,
                        backend.url(),
                        service.issuerUrl(),
                        OAuthServiceStandIn.CLIENT_ID,
                        OAuthServiceStandIn.CLIENT_SECRET,
                        backend.url(),
                        NodeTools.script("stdio-test-server.mjs")));
        Files.createDirectories(out);
    }

    @AfterEach
    void stop() {
        Closeables.closeAll(front, backend, service, redis);
    }

    @Test
    @DisplayName("a user connects in the browser and their calls carry their token, refreshed before expiry; another "
            + "user is refused naming the page; disconnect and a revoked grant remove it; Redis holds ciphertext")
    void connectUseRefreshDisconnect() {
        JsonObject alice = signedIn(ALICE);
        JsonObject bob = signedIn(BOB);

        JsonObject refused = call(bob.getString("access_token"), null, RawHttp.INITIALIZE);
        assertConnectRequired(refused);

        service.nextTokens("alice-at-service", FIRST_TOKEN_SECONDS);
        JsonObject connected = BrowserPages.connections(issuer + "/connections", ALICE, "/svc", "connect", out);
        // The code was exchanged (the token's lifetime began) before the page showed the route connected.
        long connectedAt = System.nanoTime();
        assertThat(connected.getJsonArray("console").getList())
                .as("no CSP or script errors")
                .isEmpty();

        String session = initialize(alice.getString("access_token"));
        String first = whoami(alice.getString("access_token"), session);
        assertThat(serviceUser(first)).isEqualTo("alice-at-service");
        // The health probe speaks for nobody and carries no user's token; every user request carries the user's.
        assertThat(backend.seen("/recorded/mcp"))
                .allSatisfy(seen -> assertThat(seen.authorization()).isIn(null, first));
        assertThat(backend.seen("/recorded/mcp").stream().filter(seen -> "tools/call".equals(seen.method())))
                .allSatisfy(seen -> assertThat(seen.authorization()).isEqualTo(first));

        String stored = redisGet(CredentialStore.key("dev:" + ALICE, "/svc"));
        assertThat(stored).contains("\"sealed\":\"v1.k1.").doesNotContain(first.substring("Bearer ".length()));

        assertConnectRequired(call(bob.getString("access_token"), null, RawHttp.INITIALIZE));

        // Within the refresh margin: the next call refreshes with the service's refresh token first.
        long waitMs = Duration.ofSeconds(FIRST_TOKEN_SECONDS - 60 + 1).toMillis()
                - Duration.ofNanos(System.nanoTime() - connectedAt).toMillis();
        FreePorts.sleep(Math.max(0, waitMs));
        service.nextTokens("alice-at-service-refreshed", 3600);
        String refreshed = whoami(alice.getString("access_token"), session);
        assertThat(refreshed).isNotEqualTo(first);
        assertThat(serviceUser(refreshed)).isEqualTo("alice-at-service-refreshed");
        assertThat(redisGet(CredentialStore.key("dev:" + ALICE, "/svc"))).isNotEqualTo(stored);

        BrowserPages.connections(issuer + "/connections", ALICE, "/svc", "disconnect", out);
        assertThat(redisGet(CredentialStore.key("dev:" + ALICE, "/svc"))).isEmpty();
        assertConnectRequired(call(alice.getString("access_token"), session, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"whoami","arguments":{}}}"""));

        service.nextTokens("alice-at-service-again", 3600);
        BrowserPages.connections(issuer + "/connections", ALICE, "/svc", "connect", out);
        assertThat(serviceUser(whoami(alice.getString("access_token"), session)))
                .as("connected again while the session went on")
                .isEqualTo("alice-at-service-again");
        HttpResponse<String> revoked =
                new OAuthBrowser(issuer).revoke(alice.getString("client_id"), alice.getString("refresh_token"));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(redisGet(CredentialStore.key("dev:" + ALICE, "/svc")))
                .as("the revoked grant took the credential with it")
                .isEmpty();
    }

    @Test
    @DisplayName("a pasted token reaches a stdio route's process as its environment; another user is refused, and "
            + "the page never shows the token back")
    void pastedTokenInStdioEnvironment() {
        String carol = signedIn("carol@example.com", "/notes").getString("access_token");
        String bob = signedIn(BOB, "/notes").getString("access_token");
        assertConnectRequired(call("/notes", bob, null, RawHttp.INITIALIZE));
        assertConnectRequired(call("/notes", carol, null, RawHttp.INITIALIZE));

        String pasted = "notes-key-" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {1, 2, 3});
        BrowserPages.connections(issuer + "/connections", "carol@example.com", "/notes", "paste", pasted, out);
        assertThat(redisGet(CredentialStore.key("dev:carol@example.com", "/notes")))
                .contains("\"sealed\":\"v1.k1.")
                .doesNotContain(pasted);

        String session = initialize("/notes", carol);
        JsonObject answer = call("/notes", carol, session, """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}""");
        String text = answer.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text");
        assertThat(new JsonObject(text).getString("serviceToken")).isEqualTo(pasted);
        assertConnectRequired(call("/notes", bob, null, RawHttp.INITIALIZE));
    }

    @Test
    @DisplayName("the health probe of a route whose backend refuses anyone without a user's credential (401) counts "
            + "it up, and carries no credential")
    void probeWithoutUser() {
        String admin = TestTokens.mintForEmail("ops@example.com", issuer, List.of(issuer));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String state = null;
        while (System.nanoTime() < deadline && !"up".equals(state)) {
            HttpResponse<String> response =
                    RawHttp.send(RawHttp.anonymous(issuer + "/status.json").header("Authorization", "Bearer " + admin));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            state = new JsonObject(response.body())
                    .getJsonArray("routes").stream()
                            .map(JsonObject.class::cast)
                            .filter(r -> "/strict".equals(r.getString("path")))
                            .findFirst()
                            .orElseThrow()
                            .getJsonObject("health")
                            .getString("state");
            FreePorts.sleep(200);
        }
        assertThat(state).isEqualTo("up");
        assertThat(backend.seen("/asserted/mcp"))
                .isNotEmpty()
                .allSatisfy(seen -> assertThat(seen.authorization()).isNull());
    }

    private JsonObject signedIn(String email) {
        return signedIn(email, "/svc");
    }

    private JsonObject signedIn(String email, String route) {
        return new OAuthBrowser(issuer).tokens("http://127.0.0.1:9/callback", email, issuer + route + "/mcp");
    }

    private static void assertConnectRequired(JsonObject answer) {
        JsonObject error = answer.getJsonObject("error");
        assertThat(error).as(answer.encode()).isNotNull();
        assertThat(error.getInteger("code")).isEqualTo(-32042);
        assertThat(error.getString("message")).contains("/connections");
        JsonObject elicitation =
                error.getJsonObject("data").getJsonArray("elicitations").getJsonObject(0);
        assertThat(elicitation.getString("mode")).isEqualTo("url");
        assertThat(elicitation.getString("url")).endsWith("/connections");
    }

    private String initialize(String token) {
        return initialize("/svc", token);
    }

    private String initialize(String route, String token) {
        HttpResponse<String> response =
                RawHttp.send(RawHttp.mcpPost(issuer + route + "/mcp", RawHttp.INITIALIZE, token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(RawHttp.lastMessage(response).getJsonObject("result"))
                .as(response.body())
                .isNotNull();
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(
                        issuer + route + "/mcp",
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                        token)
                .header("Mcp-Session-Id", session));
        return session;
    }

    /** The Authorization header the backend got for a whoami call. */
    private String whoami(String token, String session) {
        JsonObject answer = call(token, session, """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}""");
        assertThat(answer.getJsonObject("result")).as(answer.encode()).isNotNull();
        String text = answer.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text");
        return new JsonObject(text).getString("authorization");
    }

    private JsonObject call(String token, String session, String body) {
        return call("/svc", token, session, body);
    }

    private JsonObject call(String route, String token, String session, String body) {
        var request = RawHttp.mcpPost(issuer + route + "/mcp", body, token);
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        HttpResponse<String> response = RawHttp.send(request);
        return RawHttp.lastMessage(response);
    }

    /** The service user a bearer token (a mock-oauth2-server JWT) names. */
    private static String serviceUser(String authorization) {
        String jwt = authorization.substring("Bearer ".length());
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return new JsonObject(payload).getString("sub");
    }

    /** The raw value under a store key, read with redis-cli: what anyone with access to Redis sees. */
    private String redisGet(String storeKey) {
        int port = URI.create(redis.url()).getPort();
        try {
            Process process = new ProcessBuilder(
                            "redis-cli", "-p", Integer.toString(port), "--raw", "GET", "mcp-front:" + storeKey)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor()).as("redis-cli: " + output).isZero();
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "redis-cli is needed to read Redis as an outsider: apt-get install " + "redis-tools ("
                            + e.getMessage() + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
