package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.GoogleStandIn;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;

/**
 * Sign-in through "Google" (mock-oauth2-server speaking OIDC with PKCE and nonce): allowed users
 * reach consent and get tokens that work on MCP routes; users of other domains, unverified emails
 * and consumer accounts are refused with a page that says why, and no code is issued.
 */
@DisplayName("Google sign-in")
@Timeout(120)
class GoogleSignInIT {

    private static final String REDIRECT = "https://claude.ai/api/mcp/auth_callback";
    private static GoogleStandIn google;
    private static EverythingServer backend;
    private static FrontHarness front;
    private static String issuer;

    @BeforeAll
    static void start() {
        google = GoogleStandIn.start();
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.startAsIssuer(
                """
                allowed_domains: ["example.com"]
                identity: google
                google:
                  client_id: "%s"
                  client_secret: "%s"
                  issuer: "%s"
                """.formatted(GoogleStandIn.CLIENT_ID, GoogleStandIn.CLIENT_SECRET, google.issuerUrl()),
                """
                - path: "/notion"
                  type: http
                  backend: "%s"
                """.formatted(backend.url()));
        issuer = front.baseUrl();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend, google);
    }

    @Test
    @DisplayName("an allowed Workspace user signs in, consents and calls the route with the token")
    void allowed() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT, issuer + "/notion/mcp");
        HttpResponse<String> toGoogle = browser.get(authorization.url());
        assertThat(toGoogle.statusCode()).isEqualTo(302);
        String googleUrl = OAuthBrowser.location(toGoogle);
        assertThat(googleUrl)
                .startsWith(google.issuerUrl())
                .contains("code_challenge_method=S256")
                .contains("nonce=")
                .contains("hd=example.com")
                .contains("redirect_uri="
                        + java.net.URLEncoder.encode(
                                issuer + "/oauth/callback", java.nio.charset.StandardCharsets.UTF_8));

        google.nextSignIn(GoogleStandIn.ALLOWED);
        String code = browser.authorize(authorization, null);
        HttpResponse<String> token = browser.exchange(authorization, code);
        assertThat(token.statusCode()).isEqualTo(200);
        String access = new JsonObject(token.body()).getString("access_token");
        JsonObject claims =
                new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(access.split("\\.")[1])));
        assertThat(claims.getString("sub")).isEqualTo(GoogleStandIn.ALLOWED.sub());
        assertThat(claims.getString("email")).isEqualTo(GoogleStandIn.ALLOWED.email());

        HttpResponse<String> initialize = RawHttp.send(RawHttp.anonymous(issuer + "/notion/mcp")
                .header("Authorization", "Bearer " + access)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(RawHttp.INITIALIZE)));
        assertThat(initialize.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a user of another domain is refused with the reason")
    void otherDomain() {
        assertRefused(GoogleStandIn.OTHER_DOMAIN, "other.org");
    }

    @Test
    @DisplayName("a user whose email Google has not verified is refused")
    void unverified() {
        assertRefused(GoogleStandIn.UNVERIFIED, "verified");
    }

    @Test
    @DisplayName("a consumer account without a hosted domain is refused")
    void consumer() {
        assertRefused(GoogleStandIn.CONSUMER, "bob@gmail.com");
    }

    private static void assertRefused(GoogleStandIn.User user, String reasonPart) {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        google.nextSignIn(user);
        HttpResponse<String> page = browser.signIn(browser.authorization(clientId, REDIRECT), null);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains(reasonPart).doesNotContain("name=\"consent\"");
        assertThat(page.headers().firstValue("Location")).isEmpty();
    }
}
