package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.GoogleCloudStandIn;
import org.mcpfront.testing.GoogleStandIn;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;

/**
 * Sign-in through a generic OpenID Connect provider (mock-oauth2-server, which sends no {@code hd}) with GCP IAM
 * admission: users are admitted by their verified email's domain, or by an IAM role on the project held directly or
 * through a Workspace group (a stand-in Cloud Resource Manager and Directory API, reached with a service-account
 * key); others are refused with a page that says why. The access token carries the memberships.
 */
@DisplayName("Generic OIDC sign-in and IAM admission")
@Timeout(120)
class IdentitySignInIT {

    private static final String REDIRECT = "https://claude.ai/api/mcp/auth_callback";
    private static final String ROLE = "roles/run.invoker";
    private static GoogleStandIn provider;
    private static GoogleCloudStandIn cloud;
    private static EverythingServer backend;
    private static FrontHarness front;
    private static String issuer;

    @BeforeAll
    static void start() throws IOException {
        provider = GoogleStandIn.start();
        cloud = GoogleCloudStandIn.start();
        cloud.setPolicy(Map.of(
                ROLE,
                List.of("user:carol@partner.org", "group:eng@partner.org"),
                "roles/viewer",
                List.of("domain:example.com")));
        cloud.setGroups("dave@partner.org", List.of("eng@partner.org"));
        cloud.setGroups("mallory@partner.org", List.of("sales@partner.org"));
        Path key = Files.createTempFile("sa-key", ".json");
        Files.writeString(key, cloud.serviceAccountKeyJson());
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.startAsIssuer(
                """
                allowed_domains: ["example.com"]
                allowed_emails: ["iam:%s"]
                admins: ["iam:%s"]
                identity: oidc
                gcp_project: test-project
                oidc:
                  issuer: "%s"
                  client_id: "%s"
                  client_secret: "%s"
                gcp:
                  credentials_file: "%s"
                  resource_manager_url: "%s"
                  workspace: { admin_email: admin@example.com, directory_url: "%s" }
                """.formatted(
                                ROLE,
                                ROLE,
                                provider.issuerUrl(),
                                GoogleStandIn.CLIENT_ID,
                                GoogleStandIn.CLIENT_SECRET,
                                key,
                                cloud.url(),
                                cloud.url()),
                """
                - path: "/notion"
                  type: http
                  backend: "%s"
                - path: "/deploy"
                  type: http
                  backend: "%s"
                  access: { users: ["iam:%s"] }
                - path: "/eng"
                  type: http
                  backend: "%s"
                  access: { users: ["group:eng@partner.org"] }
                """.formatted(backend.url(), backend.url(), ROLE, backend.url()),
                """
                groups:
                  eng@partner.org: []
                """);
        issuer = front.baseUrl();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend, cloud, provider);
    }

    @Test
    @DisplayName("a verified address of an allowed domain is admitted without hd; its token carries its IAM roles")
    void byEmailDomain() {
        JsonObject claims = signIn(new GoogleStandIn.User("oidc-alice", "alice@example.com", true, null, "Alice"));
        assertThat(claims.getString("email")).isEqualTo("alice@example.com");
        assertThat(claims.getJsonArray("groups").stream().map(String::valueOf).toList())
                .containsExactly("iam:roles/viewer");
    }

    @Test
    @DisplayName("an address of another domain is refused with a page that names the domain and the role it lacks")
    void otherDomainRefused() {
        HttpResponse<String> page =
                refused(new GoogleStandIn.User("oidc-mallory", "mallory@partner.org", true, null, "M"));
        assertThat(page.body())
                .contains("partner.org")
                .contains("oauth.allowed_domains")
                .contains("iam:" + ROLE)
                .contains("test-project");
    }

    @Test
    @DisplayName("an unverified address is refused even at an allowed domain")
    void unverifiedRefused() {
        HttpResponse<String> page = refused(new GoogleStandIn.User("oidc-eve", "eve@example.com", false, null, "Eve"));
        assertThat(page.body()).contains("not verified");
    }

    @Test
    @DisplayName("a user holding the IAM role directly is admitted though the domain is not allowed")
    void roleHeldDirectly() {
        JsonObject claims = signIn(new GoogleStandIn.User("oidc-carol", "carol@partner.org", true, null, "Carol"));
        assertThat(claims.getJsonArray("groups").stream().map(String::valueOf).toList())
                .containsExactly("iam:" + ROLE);
    }

    @Test
    @DisplayName("a role granted to a Workspace group counts for its members")
    void roleThroughGroup() {
        JsonObject claims = signIn(new GoogleStandIn.User("oidc-dave", "dave@partner.org", true, null, "Dave"));
        assertThat(claims.getJsonArray("groups").stream().map(String::valueOf).toList())
                .containsExactlyInAnyOrder("eng@partner.org", "iam:" + ROLE);
        assertThat(cloud.seen("/admin/directory/"))
                .anySatisfy(seen -> assertThat(seen.query()).containsEntry("userKey", "dave@partner.org"));
    }

    @Test
    @DisplayName("the consent page lists exactly the routes the user's IAM roles and Workspace groups open, and a "
            + "token for one of them passes the edge")
    void consentShowsTheRoutesMembershipsOpen() {
        GoogleStandIn.User alice = new GoogleStandIn.User("oidc-alice", "alice@example.com", true, null, "Alice");
        GoogleStandIn.User carol = new GoogleStandIn.User("oidc-carol", "carol@partner.org", true, null, "Carol");
        GoogleStandIn.User dave = new GoogleStandIn.User("oidc-dave", "dave@partner.org", true, null, "Dave");

        assertThat(consentPage(alice).body())
                .contains("<code>/notion</code>")
                .doesNotContain("/deploy")
                .doesNotContain("/eng");
        assertThat(consentPage(carol).body())
                .contains("<code>/notion</code>", "<code>/deploy</code>")
                .doesNotContain("/eng");
        assertThat(consentPage(dave).body()).contains("every MCP server on this gateway");

        HttpResponse<String> carolsEng = consentPage(carol, issuer + "/eng/mcp");
        assertThat(carolsEng.statusCode()).isEqualTo(403);
        assertThat(carolsEng.body())
                .contains("You may not use the MCP server /eng")
                .doesNotContain("name=\"consent\"");

        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT, issuer + "/eng/mcp");
        provider.nextSignIn(dave);
        HttpResponse<String> token = browser.exchange(authorization, browser.authorize(authorization, null));
        assertThat(token.statusCode()).isEqualTo(200);
        HttpResponse<String> initialize = RawHttp.send(RawHttp.mcpPost(
                issuer + "/eng/mcp", RawHttp.INITIALIZE, new JsonObject(token.body()).getString("access_token")));
        assertThat(initialize.statusCode()).as(initialize.body()).isEqualTo(200);
    }

    @Test
    @DisplayName("the status page signs in with the same memberships: an IAM role listed in oauth.admins opens it")
    void statusPageByRole() {
        HttpResponse<String> carols =
                statusPage(new GoogleStandIn.User("oidc-carol", "carol@partner.org", true, null, "Carol"));
        assertThat(carols.statusCode()).as(carols.body()).isEqualTo(200);
        assertThat(carols.body()).contains("carol@partner.org");

        HttpResponse<String> alices =
                statusPage(new GoogleStandIn.User("oidc-alice", "alice@example.com", true, null, "Alice"));
        assertThat(alices.statusCode()).isEqualTo(403);
        assertThat(alices.body()).contains("oauth.admins");
    }

    @Test
    @DisplayName("the identity provider's groups claim becomes memberships: its group opens a route, and an IAM role "
            + "bound to that group admits")
    void providerGroups() {
        GoogleStandIn.User frank = new GoogleStandIn.User("oidc-frank", "frank@partner.org", true, null, "Frank");
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT, issuer + "/eng/mcp");
        provider.nextSignIn(frank, List.of("eng@partner.org"));
        HttpResponse<String> consent = browser.signIn(authorization, null);
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
        assertThat(consent.body()).contains("<code>/eng</code>");
        HttpResponse<String> back = browser.consent(consent, "allow");
        String code = OAuthBrowser.query(OAuthBrowser.location(back)).get("code");
        HttpResponse<String> token = browser.exchange(authorization, code);
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(
                        GoogleCloudStandIn.claimsOf(new JsonObject(token.body()).getString("access_token"))
                                .getJsonArray("groups")
                                .stream()
                                .map(String::valueOf)
                                .toList())
                .containsExactlyInAnyOrder("eng@partner.org", "iam:" + ROLE);
    }

    /** What the user sees after signing in for a client that names {@code resources} (none: every route). */
    private static HttpResponse<String> consentPage(GoogleStandIn.User user, String... resources) {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        provider.nextSignIn(user);
        return browser.signIn(browser.authorization(clientId, REDIRECT, resources), null);
    }

    /** Opens /status in a fresh browser, signs in as {@code user} when sent to, and opens it again. */
    private static HttpResponse<String> statusPage(GoogleStandIn.User user) {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        HttpResponse<String> first = browser.get(issuer + "/status");
        assertThat(first.statusCode()).isEqualTo(302);
        provider.nextSignIn(user);
        HttpResponse<String> google = browser.get(OAuthBrowser.location(first));
        assertThat(google.statusCode()).isEqualTo(302);
        HttpResponse<String> back = browser.get(OAuthBrowser.location(google));
        assertThat(back.statusCode()).as("the page sign-in: %s", back.body()).isEqualTo(302);
        return browser.get(issuer + "/status");
    }

    private static JsonObject signIn(GoogleStandIn.User user) {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT, issuer + "/notion/mcp");
        provider.nextSignIn(user);
        String code = browser.authorize(authorization, null);
        HttpResponse<String> token = browser.exchange(authorization, code);
        assertThat(token.statusCode()).isEqualTo(200);
        JsonObject tokens = new JsonObject(token.body());
        JsonObject claims = GoogleCloudStandIn.claimsOf(tokens.getString("access_token"));
        // A refresh looks the memberships up again and carries them on.
        HttpResponse<String> refreshed = browser.refresh(clientId, tokens.getString("refresh_token"));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(GoogleCloudStandIn.claimsOf(new JsonObject(refreshed.body()).getString("access_token"))
                        .getJsonArray("groups"))
                .isEqualTo(claims.getJsonArray("groups"));
        return claims;
    }

    private static HttpResponse<String> refused(GoogleStandIn.User user) {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        provider.nextSignIn(user);
        HttpResponse<String> page = browser.signIn(browser.authorization(clientId, REDIRECT), null);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).doesNotContain("name=\"consent\"");
        assertThat(page.headers().firstValue("Location")).isEmpty();
        return page;
    }
}
