package org.mcpfront.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.vertx.core.Vertx;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.oauth.Resources;
import org.mcpfront.oauth.SigningKeys;
import org.mcpfront.storage.MemoryStore;

@DisplayName("Access tokens and their signing key")
class AccessTokensTest {

    private static final String ISSUER = "https://mcp.example.com";
    private Vertx vertx;
    private MemoryStore store;
    private SigningKeys keys;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        store = new MemoryStore(vertx, 1024 * 1024);
        keys = SigningKeys.generated();
    }

    @AfterEach
    void tearDown() {
        vertx.close();
    }

    private AccessTokens at(Instant now) {
        return new AccessTokens(keys, ISSUER, Duration.ofMinutes(10), store, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static AccessTokens.Claims await(io.vertx.core.Future<AccessTokens.Claims> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get();
    }

    @Test
    @DisplayName("a token verifies with the claims it was issued with")
    void roundTrip() throws Exception {
        Instant now = Instant.now();
        AccessTokens tokens = at(now);
        AccessTokens.Issued issued =
                tokens.issue("sub-1", "a@example.com", List.of(ISSUER + "/notion/mcp"), "client-1", "mcp");
        AccessTokens.Claims claims = await(tokens.verify(issued.token()));
        assertThat(claims.subject()).isEqualTo("sub-1");
        assertThat(claims.email()).isEqualTo("a@example.com");
        assertThat(claims.audience()).containsExactly(ISSUER + "/notion/mcp");
        assertThat(claims.clientId()).isEqualTo("client-1");
        assertThat(claims.jti()).isEqualTo(issued.jti());
    }

    @Test
    @DisplayName("a token checked once is still refused once it expires or is revoked, and a forged copy never passes")
    void verifiedTokensStayChecked() throws Exception {
        Instant start = Instant.now();
        MovableClock clock = new MovableClock(start);
        AccessTokens tokens = new AccessTokens(keys, ISSUER, Duration.ofMinutes(10), store, clock);
        AccessTokens.Issued issued = tokens.issue("s", "a@example.com", List.of(ISSUER), "c", "mcp");
        assertThat(await(tokens.verify(issued.token())).subject()).isEqualTo("s");
        assertThat(await(tokens.verify(issued.token())).subject())
                .as("second check, from the cache")
                .isEqualTo("s");

        String[] parts = issued.token().split("\\.");
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"iss\":\"https://mcp.example.com\",\"sub\":\"someone-else\"}".getBytes())
                + "." + parts[2];
        assertThatThrownBy(() -> await(tokens.verify(forged))).hasMessageContaining("signature");

        clock.now = start.plus(Duration.ofMinutes(11));
        assertThatThrownBy(() -> await(tokens.verify(issued.token()))).hasMessageContaining("expired");

        clock.now = start;
        AccessTokens.Issued other = tokens.issue("s2", "b@example.com", List.of(ISSUER), "c", "mcp");
        assertThat(await(tokens.verify(other.token())).subject()).isEqualTo("s2");
        await(tokens.revoke(other.jti(), other.expiresAt()).map(v -> (AccessTokens.Claims) null));
        assertThatThrownBy(() -> await(tokens.verify(other.token()))).hasMessageContaining("revoked");
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    @DisplayName("an expired token, one issued in the future and a revoked one are refused")
    void lifetimeAndRevocation() throws Exception {
        Instant now = Instant.now();
        String token =
                at(now).issue("s", "a@example.com", List.of(ISSUER), "c", "mcp").token();
        assertThatThrownBy(() -> await(at(now.plus(Duration.ofMinutes(11))).verify(token)))
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> await(at(now.minus(Duration.ofMinutes(5))).verify(token)))
                .hasMessageContaining("future");

        AccessTokens.Issued issued = at(now).issue("s", "a@example.com", List.of(ISSUER), "c", "mcp");
        await(at(now).revoke(issued.jti(), issued.expiresAt()).map(v -> (AccessTokens.Claims) null));
        assertThatThrownBy(() -> await(at(now).verify(issued.token()))).hasMessageContaining("revoked");
    }

    @Test
    @DisplayName("tokens of another issuer, another key, or with the none algorithm are refused")
    void foreignTokens() throws Exception {
        Instant now = Instant.now();
        String otherIssuer = new AccessTokens(
                        keys, "https://evil.example", Duration.ofMinutes(10), store, Clock.systemUTC())
                .issue("s", "a@example.com", List.of(ISSUER), "c", "mcp")
                .token();
        assertThatThrownBy(() -> await(at(now).verify(otherIssuer))).hasMessageContaining("issued by");

        SigningKeys otherKey = SigningKeys.generated();
        String foreign = new AccessTokens(otherKey, ISSUER, Duration.ofMinutes(10), store, Clock.systemUTC())
                .issue("s", "a@example.com", List.of(ISSUER), "c", "mcp")
                .token();
        assertThatThrownBy(() -> await(at(now).verify(foreign))).hasMessageContaining("signature");

        String good =
                at(now).issue("s", "a@example.com", List.of(ISSUER), "c", "mcp").token();
        String none = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes())
                + "." + good.split("\\.")[1] + ".";
        assertThatThrownBy(() -> await(at(now).verify(none))).isInstanceOf(Exception.class);
    }

    @Test
    @DisplayName(
            "key files: a private RSA or EC P-256 JWK and a PKCS#8 RSA PEM load; a public-only JWK is refused with a "
                    + "reason")
    void keyFiles() throws Exception {
        var rsa = new RSAKeyGenerator(2048).generate();
        assertThat(SigningKeys.fromText(rsa.toJSONString()).algorithm()).isEqualTo(JWSAlgorithm.RS256);
        var ec = new ECKeyGenerator(Curve.P_256).generate();
        SigningKeys ecKeys = SigningKeys.fromText(ec.toJSONString());
        assertThat(ecKeys.algorithm()).isEqualTo(JWSAlgorithm.ES256);
        String ecToken = new AccessTokens(ecKeys, ISSUER, Duration.ofMinutes(1), store, Clock.systemUTC())
                .issue("s", "e@example.com", List.of(ISSUER), "c", "mcp")
                .token();
        assertThat(await(new AccessTokens(ecKeys, ISSUER, Duration.ofMinutes(1), store, Clock.systemUTC())
                                .verify(ecToken))
                        .subject())
                .isEqualTo("s");

        var pair = KeyPairGenerator.getInstance("RSA");
        pair.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder()
                        .encodeToString(pair.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(SigningKeys.fromText(pem)
                        .publicJwks()
                        .getJsonArray("keys")
                        .getJsonObject(0)
                        .containsKey("d"))
                .isFalse();

        assertThatThrownBy(() -> SigningKeys.fromText(rsa.toPublicJWK().toJSONString()))
                .hasMessageContaining("private key");
        assertThatThrownBy(() ->
                        SigningKeys.fromText("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"))
                .hasMessageContaining("PKCS#8");
        assertThatThrownBy(() -> SigningKeys.fromText("hello")).hasMessageContaining("neither");
    }

    @Test
    @DisplayName("resources are compared in RFC 8707 canonical form and a route's URLs cover the route")
    void resources() {
        assertThat(Resources.canonical("HTTPS://MCP.Example.com:443/notion/mcp/"))
                .hasValue("https://mcp.example.com/notion/mcp");
        assertThat(Resources.canonical("https://mcp.example.com/a#frag")).isEmpty();
        assertThat(Resources.canonical("ftp://mcp.example.com/a")).isEmpty();
        assertThat(Resources.allows(List.of(ISSUER + "/notion/sse"), ISSUER, "/notion"))
                .isTrue();
        assertThat(Resources.allows(List.of(ISSUER), ISSUER, "/anything")).isTrue();
        assertThat(Resources.allows(List.of(ISSUER + "/notion/mcp"), ISSUER, "/notion-admin"))
                .isFalse();
        assertThat(Resources.allows(List.of(ISSUER + "/notion/mcp"), ISSUER, "/db"))
                .isFalse();
    }
}
