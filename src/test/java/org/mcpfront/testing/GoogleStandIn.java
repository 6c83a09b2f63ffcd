package org.mcpfront.testing;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.mcpfront.config.OAuthConfig.GoogleConfig;

/**
 * Google, as far as mcp-front can tell: mock-oauth2-server on a free loopback port serving OIDC discovery, the
 * code flow (it redirects straight back with a code, no login page) and the claims of the next enqueued user.
 * Its userinfo endpoint answers with the access token's claims, which carry the same user claims.
 */
public final class GoogleStandIn implements AutoCloseable {

    /** The issuer id: the stand-in's discovery base is {@code http://localhost:<port>/google}. */
    public static final String ISSUER_ID = "google";
    /** The OAuth client that test configs register with the stand-in. */
    public static final String CLIENT_ID = "mcp-front-test";

    public static final String CLIENT_SECRET = "mcp-front-test-secret";

    /** A Google account as the ID token describes it; {@code hd} is null for a consumer account. */
    public record User(String sub, String email, boolean emailVerified, String hd, String name) {}

    public static final User ALLOWED =
            new User("google-alice", "alice@example.com", true, "example.com", "Alice Example");
    public static final User OTHER_DOMAIN =
            new User("google-mallory", "mallory@other.org", true, "other.org", "Mallory");
    public static final User UNVERIFIED = new User("google-eve", "eve@example.com", false, "example.com", "Eve");
    public static final User CONSUMER = new User("google-bob", "bob@gmail.com", true, null, "Bob");

    private final MockOAuth2Server server;

    private GoogleStandIn(MockOAuth2Server server) {
        this.server = server;
    }

    public static GoogleStandIn start() {
        return start(FreePorts.next());
    }

    /** Starts on {@code port}, e.g. to bring "Google" back where a test found it unreachable. */
    public static GoogleStandIn start(int port) {
        // The Netty server, not the default OkHttp MockWebServer: that one extends a JUnit 4 rule, and JUnit 4
        // is kept off the test classpath.
        OAuth2Config config =
                new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(), Set.of(), new NettyWrapper());
        MockOAuth2Server server = new MockOAuth2Server(config);
        server.start(InetAddress.getLoopbackAddress(), port);
        return new GoogleStandIn(server);
    }

    /** The value for {@code oauth.google.issuer}: the OIDC discovery base, without a trailing slash. */
    public String issuerUrl() {
        String url = server.issuerUrl(ISSUER_ID).toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The {@code oauth.google} section of a test config pointing at this stand-in. */
    public GoogleConfig config() {
        return new GoogleConfig(CLIENT_ID, CLIENT_SECRET, issuerUrl());
    }

    /** The user whom the next authorization signs in (sub, email, email_verified, hd, name). */
    public void nextSignIn(User user) {
        nextSignIn(user, List.of());
    }

    /** The same, with the {@code groups} claim a generic OIDC provider sends (none when empty). */
    public void nextSignIn(User user, List<String> groups) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (!groups.isEmpty()) {
            claims.put("groups", groups);
        }
        claims.put("email", user.email());
        claims.put("email_verified", user.emailVerified());
        if (user.hd() != null) {
            claims.put("hd", user.hd());
        }
        claims.put("name", user.name());
        server.enqueueCallback(
                new DefaultOAuth2TokenCallback(ISSUER_ID, user.sub(), "JWT", List.of(CLIENT_ID), claims, 3600));
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
