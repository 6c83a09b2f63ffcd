package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.GoogleCloudStandIn;
import org.mcpfront.testing.IdentityEchoBackend;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;

/**
 * What backends learn about the user: a route with {@code identity: assertion} sends a JWT signed by mcp-front
 * that the backend verifies with mcp-front's {@code /jwks.json} (and never the client's token); a route with
 * {@code identity: google_id_token} sends a Google ID token for the backend's audience from the (stand-in) metadata
 * server, fetched again before it expires.
 */
@DisplayName("Identity to backends")
@Timeout(180)
class BackendIdentityIT {

    private static final String REDIRECT = "https://claude.ai/api/mcp/auth_callback";
    private static final Duration ID_TOKEN_LIFETIME = Duration.ofSeconds(24);
    private static GoogleCloudStandIn cloud;
    private static IdentityEchoBackend backend;
    private static FrontHarness front;
    private static String issuer;
    private static String accessToken;
    /** Where the stdio route's command writes the identity variables it was started with. */
    private static Path stdioEnvironment;

    @BeforeAll
    static void start() throws IOException {
        stdioEnvironment = Files.createTempFile("mcp-front-stdio-identity", ".txt");
        cloud = GoogleCloudStandIn.start();
        cloud.setIdTokenLifetime(ID_TOKEN_LIFETIME);
        backend = IdentityEchoBackend.start(cloud.googlePublicKey());
        front = FrontHarness.startAsIssuer("""
                allowed_domains: ["example.com"]
                identity: dev
                gcp:
                  metadata_url: "%s"
                """.formatted(cloud.url()), """
                - { path: "/asserted", type: http, backend: "%s/asserted/mcp", protocol: "2025", identity: assertion }
                - { path: "/google", type: http, backend: "%s/google/mcp", protocol: "2025", identity: google_id_token }
                - path: "/stdio"
                  type: stdio
                  identity: environment
                  command:
                    - "/bin/sh"
                    - "-c"
                    - "printenv MCP_FRONT_USER_EMAIL MCP_FRONT_USER_SUB > '%s'; exec node '%s' stdio"
                """.formatted(
                        backend.url(),
                        backend.url(),
                        stdioEnvironment,
                        NodeTools.modules().resolve("@modelcontextprotocol/server-everything/dist/index.js")));
        issuer = front.baseUrl();
        backend.trust(issuer);
        accessToken = new OAuthBrowser(issuer)
                .tokens(
                        REDIRECT,
                        "alice@example.com",
                        issuer + "/asserted/mcp",
                        issuer + "/google/mcp",
                        issuer + "/stdio/mcp")
                .getString("access_token");
    }

    @AfterAll
    static void stop() throws IOException {
        Closeables.closeAll(front, backend, cloud);
        Files.deleteIfExists(stdioEnvironment);
    }

    @Test
    @DisplayName("a stdio route with identity: environment starts the user's process with their email and subject")
    void stdioEnvironment() throws IOException {
        HttpResponse<String> initialized =
                RawHttp.send(RawHttp.mcpPost(issuer + "/stdio/mcp", RawHttp.INITIALIZE, accessToken));
        assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(200);
        // The command wrote the file before it became the server that answered initialize.
        assertThat(Files.readAllLines(stdioEnvironment)).containsExactly("alice@example.com", "dev:alice@example.com");
    }

    @Test
    @DisplayName("the backend verifies the assertion with /jwks.json and sees the user, route and client; never the "
            + "client's token")
    void assertion() {
        JsonObject claims = whoami("/asserted");

        assertThat(claims.getString("iss")).isEqualTo(issuer);
        assertThat(claims.getString("email")).isEqualTo("alice@example.com");
        assertThat(claims.getString("sub")).isEqualTo("dev:alice@example.com");
        assertThat(claims.getString("route")).isEqualTo("/asserted");
        assertThat(claims.getString("client_id")).isNotBlank();
        assertThat(claims.getString("jti")).isNotBlank();
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(300L);
        assertThat(backend.seen("/asserted/mcp")).isNotEmpty().allSatisfy(seen -> {
            assertThat(seen.authorization()).isNull();
            assertThat(seen.assertion()).isNotBlank().doesNotContain(accessToken);
        });
        // One assertion serves the user's requests: the hot path does not sign per call. (The background health
        // probe, if it ran, carries one about mcp-front itself: sub = iss, no email.)
        List<String> alices = backend.seen("/asserted/mcp").stream()
                .map(IdentityEchoBackend.Seen::assertion)
                .filter(jwt -> GoogleCloudStandIn.claimsOf(jwt).getString("email") != null)
                .distinct()
                .toList();
        assertThat(alices).hasSize(1);
    }

    @Test
    @DisplayName("the backend gets a Google ID token for its origin, and a new one before the first expires")
    void googleIdToken() throws InterruptedException {
        JsonObject first = whoami("/google");
        assertThat(first.getString("aud")).isEqualTo(backend.url());
        assertThat(backend.seen("/google/mcp"))
                .allSatisfy(seen -> assertThat(seen.assertion()).isNull());

        // A quarter of the lifetime before expiry the token is fetched again (and is still valid until then).
        Instant firstExpires = Instant.ofEpochSecond(first.getLong("exp"));
        Instant refreshFrom = firstExpires.minus(ID_TOKEN_LIFETIME.dividedBy(4)).plusMillis(500);
        while (Instant.now().isBefore(refreshFrom)) {
            Thread.sleep(
                    Math.max(1, Duration.between(Instant.now(), refreshFrom).toMillis()));
        }
        JsonObject second = whoami("/google");
        assertThat(second.getString("jti")).isNotEqualTo(first.getString("jti"));
        assertThat(second.getString("aud")).isEqualTo(backend.url());
        assertThat(backend.seen("/google/mcp"))
                .allSatisfy(seen -> assertThat(seen.authorization()).startsWith("Bearer "));
        List<IdentityEchoBackend.Seen> withSecond = backend.seen("/google/mcp").stream()
                .filter(seen -> !jtiOf(seen.authorization()).equals(first.getString("jti")))
                .toList();
        assertThat(withSecond).isNotEmpty();
        assertThat(withSecond.get(0).at()).isBefore(firstExpires);
        assertThat(cloud.seen("/computeMetadata/v1/instance/service-accounts/default/identity"))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(seen -> assertThat(seen.query())
                        .containsEntry("audience", backend.url())
                        .containsEntry("format", "full"));
    }

    private static String jtiOf(String authorization) {
        return GoogleCloudStandIn.claimsOf(authorization.substring("Bearer ".length()))
                .getString("jti");
    }

    /** Opens a session on {@code route}, calls whoami, and returns the claims the backend verified. */
    private static JsonObject whoami(String route) {
        String url = issuer + route + "/mcp";
        HttpResponse<String> initialized = RawHttp.send(RawHttp.mcpPost(url, RawHttp.INITIALIZE, accessToken));
        assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(200);
        String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", accessToken)
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18"));
        HttpResponse<String> called = RawHttp.send(RawHttp.mcpPost(
                        url,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"ar"
                                + "guments\":{}}}",
                        accessToken)
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18"));
        assertThat(called.statusCode()).as(called.body()).isEqualTo(200);
        JsonObject answer = RawHttp.lastMessage(called);
        assertThat(answer.getJsonObject("result")).as(answer.encode()).isNotNull();
        return new JsonObject(answer.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text"));
    }
}
