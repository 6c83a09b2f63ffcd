package org.mcpfront.identity.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.RouteConfig.BackendProtocol;
import org.mcpfront.config.RouteConfig.BackendTransport;
import org.mcpfront.config.RouteConfig.RouteType;
import org.mcpfront.config.RouteIdentity;
import org.mcpfront.config.RouteIdentity.Kind;

@DisplayName("Backend identity: assertions, their reuse, the probe's and the stdio environment")
class BackendIdentityTest {

    private static final String ISSUER = "https://mcp.example.com";
    private static final SessionOwner ALICE = new SessionOwner(
            "sub-alice", "alice@example.com", "client-1", List.of("eng@example.com", "iam:roles/viewer"));

    private static RouteConfig route(RouteType type, RouteIdentity identity) {
        RouteConfig.Backend backend = type == RouteType.HTTP
                ? new RouteConfig.Http(URI.create("https://notion.internal/mcp"), BackendTransport.STREAMABLE, Map.of())
                : new RouteConfig.Stdio(List.of("cat"), Map.of(), RouteConfig.OnProcessLoss.RESTART);
        return new RouteConfig(
                "/notion",
                Optional.empty(),
                backend,
                BackendProtocol.V2025,
                new RouteConfig.SessionLimits(Duration.ofMinutes(5), Duration.ofMinutes(5), 10, 2),
                org.mcpfront.config.HealthCheck.DEFAULT,
                org.mcpfront.access.RouteAccess.OPEN,
                identity,
                Optional.empty());
    }

    @Test
    @DisplayName("an assertion is signed with the assertion key, names user, route, client and backend, and is reused "
            + "until near expiry")
    void assertion() throws Exception {
        AssertionKey key = AssertionKey.generated();
        Instant[] now = {Instant.parse("2026-12-01T10:00:00Z")};
        IdentityAssertions assertions = new IdentityAssertions(key, ISSUER, new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        });
        BackendIdentity identity = new BackendIdentity(assertions, null);
        RouteConfig route = route(RouteType.HTTP, new RouteIdentity(Kind.ASSERTION, "X-User", Optional.empty()));

        Map<String, String> headers = identity.headers(route, ALICE).result();
        SignedJWT jwt = SignedJWT.parse(headers.get("X-User"));
        assertThat(headers).containsOnlyKeys("X-User");
        assertThat(jwt.verify(new ECDSAVerifier(ECKey.parse(key.publicJson().encode()))))
                .isTrue();
        assertThat(jwt.getHeader().getKeyID()).startsWith("assertion-");
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("mcp-front-identity+jwt");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://notion.internal/mcp");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("sub-alice");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("groups"))
                .containsExactly("eng@example.com", "iam:roles/viewer");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("route")).isEqualTo("/notion");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo("client-1");

        now[0] = now[0].plus(Duration.ofMinutes(3));
        assertThat(identity.headers(route, ALICE).result()).isEqualTo(headers);
        now[0] = now[0].plus(Duration.ofSeconds(61));
        assertThat(identity.headers(route, ALICE).result().get("X-User")).isNotEqualTo(headers.get("X-User"));
        SessionOwner bob = new SessionOwner("sub-bob", "bob@example.com", "client-1");
        assertThat(identity.headers(route, bob).result().get("X-User")).isNotEqualTo(headers.get("X-User"));

        SignedJWT probe = SignedJWT.parse(identity.probeHeaders(route).result().get("X-User"));
        assertThat(probe.getJWTClaimsSet().getSubject()).isEqualTo(ISSUER);
        assertThat(probe.getJWTClaimsSet().getClaim("email")).isNull();
        assertThat(probe.getJWTClaimsSet().getClaim("groups")).isNull();
    }

    @Test
    @DisplayName("a stdio route with identity: environment gets the user's variables; others get none")
    void environment() {
        assertThat(BackendIdentity.environment(
                        route(
                                RouteType.STDIO,
                                new RouteIdentity(Kind.ENVIRONMENT, RouteIdentity.DEFAULT_HEADER, Optional.empty())),
                        ALICE))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "MCP_FRONT_USER_EMAIL",
                        "alice@example.com",
                        "MCP_FRONT_USER_SUB",
                        "sub-alice",
                        "MCP_FRONT_USER_GROUPS",
                        "eng@example.com,iam:roles/viewer"));
        assertThat(BackendIdentity.environment(route(RouteType.STDIO, RouteIdentity.none()), ALICE))
                .isEmpty();
    }

    @Test
    @DisplayName("a route without identity sends nothing, and a Google ID token without credentials fails clearly")
    void noneAndMissingCredentials() {
        BackendIdentity identity =
                new BackendIdentity(new IdentityAssertions(AssertionKey.generated(), ISSUER, Clock.systemUTC()), null);
        assertThat(identity.headers(route(RouteType.HTTP, RouteIdentity.none()), ALICE)
                        .result())
                .isEmpty();
        assertThat(identity.headers(
                                route(
                                        RouteType.HTTP,
                                        new RouteIdentity(
                                                Kind.GOOGLE_ID_TOKEN, RouteIdentity.DEFAULT_HEADER, Optional.empty())),
                                ALICE)
                        .cause())
                .hasMessageContaining("no Google credentials");
        assertThat(BackendIdentity.audience(route(RouteType.HTTP, RouteIdentity.none())))
                .isEqualTo("https://notion.internal");
    }
}
