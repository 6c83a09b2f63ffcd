package org.mcpfront.testing;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A third-party service's authorization server (mock-oauth2-server), where users connect their own accounts for a
 * route with {@code credential: { kind: oauth }}: non-interactive authorization (it answers with a code at once),
 * PKCE, refresh tokens. {@link #nextTokens} sets who the next token is for and how long it lives.
 */
public final class OAuthServiceStandIn implements AutoCloseable {

    public static final String ISSUER_ID = "service";
    public static final String CLIENT_ID = "mcp-front-at-service";
    public static final String CLIENT_SECRET = "service-secret";

    private final MockOAuth2Server server;

    private OAuthServiceStandIn(MockOAuth2Server server) {
        this.server = server;
    }

    public static OAuthServiceStandIn start() {
        // The Netty server: the default one extends a JUnit 4 rule, which is kept off the test classpath.
        MockOAuth2Server server = new MockOAuth2Server(
                new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(), Set.of(), new NettyWrapper()));
        server.start(InetAddress.getLoopbackAddress(), FreePorts.next());
        return new OAuthServiceStandIn(server);
    }

    /** The issuer URL, without a trailing slash (its metadata is discovered from it). */
    public String issuerUrl() {
        String url = server.issuerUrl(ISSUER_ID).toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The next token issued (by a code or a refresh) names {@code subject} and lives {@code seconds}. */
    public void nextTokens(String subject, long seconds) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(
                ISSUER_ID, subject, "JWT", List.of(CLIENT_ID), Map.of("service_user", subject), seconds));
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
