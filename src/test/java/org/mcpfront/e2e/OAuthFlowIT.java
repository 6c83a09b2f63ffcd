package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;

/**
 * The authorization server end to end over HTTP, with the dev identity: discovery, registration, the
 * browser flow, tokens on MCP routes, refresh rotation, reuse detection, revocation and audiences.
 */
@DisplayName("The OAuth authorization server")
@Timeout(120)
class OAuthFlowIT {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static EverythingServer backend;
    private static FrontHarness front;
    private static String issuer;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.startAsIssuer(
                FrontHarness.DEV_SIGN_IN + "token_ttl: 60s\n", """
                - path: "/a"
                  type: http
                  backend: "%s"
                - path: "/b"
                  type: http
                  backend: "%s"
                """.formatted(backend.url(), backend.url()));
        issuer = front.baseUrl();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend);
    }

    private static HttpResponse<String> initialize(String route, String accessToken) {
        return RawHttp.send(RawHttp.mcpPost(issuer + route + "/mcp", RawHttp.INITIALIZE, accessToken));
    }

    @Test
    @DisplayName("publishes RFC 8414 metadata whose issuer is the configured one, with S256 and client ID metadata "
            + "documents")
    void authorizationServerMetadata() {
        for (String path : List.of("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")) {
            HttpResponse<String> response = RawHttp.send(RawHttp.anonymous(issuer + path));
            assertThat(response.statusCode()).isEqualTo(200);
            JsonObject metadata = new JsonObject(response.body());
            assertThat(metadata.getString("issuer")).isEqualTo(issuer);
            assertThat(metadata.getString("authorization_endpoint")).isEqualTo(issuer + "/authorize");
            assertThat(metadata.getString("token_endpoint")).isEqualTo(issuer + "/token");
            assertThat(metadata.getString("registration_endpoint")).isEqualTo(issuer + "/register");
            assertThat(metadata.getString("revocation_endpoint")).isEqualTo(issuer + "/revoke");
            assertThat(metadata.getJsonArray("code_challenge_methods_supported").getList())
                    .containsExactly("S256");
            assertThat(metadata.getJsonArray("response_types_supported").getList())
                    .containsExactly("code");
            assertThat(metadata.getJsonArray("grant_types_supported").getList())
                    .containsExactly("authorization_code", "refresh_token");
            assertThat(metadata.getJsonArray("token_endpoint_auth_methods_supported")
                            .getList())
                    .contains("none");
            assertThat(metadata.getBoolean("client_id_metadata_document_supported"))
                    .isTrue();
            assertThat(metadata.getBoolean("authorization_response_iss_parameter_supported"))
                    .isTrue();
        }
    }

    @Test
    @DisplayName("answers an MCP request without a token 401 with the route's protected resource metadata URL")
    void unauthenticated() {
        for (String endpoint : List.of("mcp", "sse")) {
            var request = endpoint.equals("mcp")
                    ? RawHttp.anonymous(issuer + "/a/mcp")
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(RawHttp.INITIALIZE))
                    : RawHttp.anonymous(issuer + "/a/sse").header("Accept", "text/event-stream");
            HttpResponse<String> response = RawHttp.send(request);
            assertThat(response.statusCode()).isEqualTo(401);
            String metadataUrl = issuer + "/.well-known/oauth-protected-resource/a/" + endpoint;
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer resource_metadata=\"" + metadataUrl + "\", scope=\"mcp\"");
            JsonObject prm =
                    new JsonObject(RawHttp.send(RawHttp.anonymous(metadataUrl)).body());
            assertThat(prm.getString("resource")).isEqualTo(issuer + "/a/" + endpoint);
            assertThat(prm.getJsonArray("authorization_servers").getList()).containsExactly(issuer);
        }
        HttpResponse<String> message = RawHttp.send(RawHttp.anonymous(issuer + "/a/message?sessionId=x")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(message.statusCode()).isEqualTo(401);
        assertThat(message.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(value -> assertThat(value).contains("/.well-known/oauth-protected-resource/a/sse"));
        JsonObject root =
                new JsonObject(RawHttp.send(RawHttp.anonymous(issuer + "/.well-known/oauth-protected-resource"))
                        .body());
        assertThat(root.getString("resource")).isEqualTo(issuer);
        assertThat(RawHttp.send(RawHttp.anonymous(issuer + "/.well-known/oauth-protected-resource/nope/mcp"))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    @DisplayName("refuses a token in the query string, and tampered, foreign-issuer and other-key tokens")
    void badTokens() {
        JsonObject tokens = new OAuthBrowser(issuer).tokens(REDIRECT, "alice@example.com");
        String good = tokens.getString("access_token");
        assertThat(initialize("/a", good).statusCode()).isEqualTo(200);

        var inQuery = RawHttp.anonymous(issuer + "/a/mcp?access_token=" + good)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(RawHttp.INITIALIZE));
        assertThat(RawHttp.send(inQuery).statusCode()).isEqualTo(400);

        String[] parts = good.split("\\.");
        JsonObject claims =
                new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1])));
        claims.put("email", "mallory@example.com");
        String tampered = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.encode().getBytes()) + "." + parts[2];
        HttpResponse<String> refused = initialize("/a", tampered);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));

        // Signed with a key this gateway does not have (the tests' shared key), for the right issuer.
        assertThat(initialize("/a", TestTokens.mint(issuer, List.of(issuer))).statusCode())
                .isEqualTo(401);
        assertThat(initialize("/a", "not-a-jwt").statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("runs the whole flow: register, authorize with PKCE, sign in, consent, token, MCP call")
    void wholeFlow() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT, issuer + "/a/mcp");
        HttpResponse<String> consentPage = browser.signIn(authorization, "alice@example.com");
        assertThat(consentPage.statusCode()).isEqualTo(200);
        assertThat(consentPage.body())
                .contains("Test Client")
                .contains("127.0.0.1")
                .contains("/a")
                .contains("alice@example.com");
        assertThat(consentPage.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        HttpResponse<String> back = browser.consent(consentPage, "allow");
        assertThat(back.statusCode()).isEqualTo(303);
        Map<String, String> answer = OAuthBrowser.query(OAuthBrowser.location(back));
        assertThat(OAuthBrowser.location(back)).startsWith(REDIRECT + "?");
        assertThat(answer)
                .containsEntry("state", authorization.state())
                .containsEntry("iss", issuer)
                .containsKey("code");

        HttpResponse<String> token = browser.exchange(authorization, answer.get("code"));
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(token.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonObject tokens = new JsonObject(token.body());
        assertThat(tokens.getString("token_type")).isEqualTo("Bearer");
        assertThat(tokens.getLong("expires_in")).isEqualTo(60);
        assertThat(tokens.getString("refresh_token")).isNotBlank();

        String[] parts = tokens.getString("access_token").split("\\.");
        JsonObject header =
                new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[0])));
        JsonObject claims =
                new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1])));
        assertThat(header.getString("typ")).isEqualTo("at+jwt");
        assertThat(claims.getString("iss")).isEqualTo(issuer);
        assertThat(claims.getString("sub")).isEqualTo("dev:alice@example.com");
        assertThat(claims.getString("email")).isEqualTo("alice@example.com");
        assertThat(claims.getString("client_id")).isEqualTo(clientId);
        assertThat(claims.getValue("aud").toString()).contains(issuer + "/a/mcp");
        assertThat(claims.getString("jti")).isNotBlank();
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(60);

        assertThat(initialize("/a", tokens.getString("access_token")).statusCode())
                .isEqualTo(200);
        assertThat(initialize("/b", tokens.getString("access_token")).statusCode())
                .as("a token issued for /a only is refused on /b")
                .isEqualTo(401);

        JsonObject jwks = new JsonObject(
                RawHttp.send(RawHttp.anonymous(issuer + "/jwks.json")).body());
        // The access-token key, then the key of identity assertions for backends (docs/configuration.md).
        assertThat(jwks.getJsonArray("keys")).hasSize(2);
        assertThat(jwks.getJsonArray("keys"))
                .allSatisfy(key -> assertThat(((JsonObject) key).containsKey("d"))
                        .as("no private part")
                        .isFalse());
        assertThat(jwks.getJsonArray("keys").getJsonObject(0).getString("kid")).isEqualTo(header.getString("kid"));
        assertThat(jwks.getJsonArray("keys").getJsonObject(1).getString("kid")).startsWith("assertion-");
    }

    @Test
    @DisplayName("a token issued without a resource is good on every route")
    void noResourceMeansEveryRoute() {
        String access =
                new OAuthBrowser(issuer).tokens(REDIRECT, "alice@example.com").getString("access_token");
        assertThat(initialize("/a", access).statusCode()).isEqualTo(200);
        assertThat(initialize("/b", access).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("an authorization code is single use, and its replay revokes the tokens it issued")
    void codeReplay() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT);
        String code = browser.authorize(authorization, "alice@example.com");
        JsonObject first = new JsonObject(browser.exchange(authorization, code).body());
        assertThat(initialize("/a", first.getString("access_token")).statusCode())
                .isEqualTo(200);

        HttpResponse<String> replay = browser.exchange(authorization, code);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(replay.body()).getString("error")).isEqualTo("invalid_grant");
        assertThat(initialize("/a", first.getString("access_token")).statusCode())
                .isEqualTo(401);
        assertThat(browser.refresh(clientId, first.getString("refresh_token")).statusCode())
                .isEqualTo(400);
    }

    @Test
    @DisplayName(
            "refresh tokens rotate on every use, and reusing one older than the last rotated revokes the whole family")
    void refreshRotation() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        JsonObject first = browser.tokens(REDIRECT, "alice@example.com");
        String clientId = first.getString("client_id");

        HttpResponse<String> rotated = browser.refresh(clientId, first.getString("refresh_token"));
        assertThat(rotated.statusCode()).isEqualTo(200);
        JsonObject second = new JsonObject(rotated.body());
        assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
        assertThat(initialize("/a", second.getString("access_token")).statusCode())
                .isEqualTo(200);
        HttpResponse<String> again = browser.refresh(clientId, second.getString("refresh_token"));
        assertThat(again.statusCode()).isEqualTo(200);
        JsonObject third = new JsonObject(again.body());

        HttpResponse<String> reuse = browser.refresh(clientId, first.getString("refresh_token"));
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(reuse.body()).getString("error")).isEqualTo("invalid_grant");
        assertThat(browser.refresh(clientId, third.getString("refresh_token")).statusCode())
                .as("the newest refresh token of the family is revoked too")
                .isEqualTo(400);
        assertThat(initialize("/a", third.getString("access_token")).statusCode())
                .as("the family's access tokens are revoked too")
                .isEqualTo(401);
    }

    @Test
    @DisplayName("a refresh retried with the same token within the grace gets the same pair, and the grant lives on")
    void refreshRetryWithinGrace() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        JsonObject first = browser.tokens(REDIRECT, "alice@example.com");
        String clientId = first.getString("client_id");
        JsonObject second = new JsonObject(
                browser.refresh(clientId, first.getString("refresh_token")).body());

        HttpResponse<String> retried = browser.refresh(clientId, first.getString("refresh_token"));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        JsonObject same = new JsonObject(retried.body());
        assertThat(same.getString("access_token")).isEqualTo(second.getString("access_token"));
        assertThat(same.getString("refresh_token")).isEqualTo(second.getString("refresh_token"));
        assertThat(same.getLong("expires_in")).isBetween(1L, 60L);
        assertThat(initialize("/a", same.getString("access_token")).statusCode())
                .isEqualTo(200);

        HttpResponse<String> next = browser.refresh(clientId, same.getString("refresh_token"));
        assertThat(next.statusCode())
                .as("the family was not revoked: " + next.body())
                .isEqualTo(200);
        assertThat(initialize("/a", new JsonObject(next.body()).getString("access_token"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    @DisplayName("a refresh retried after the grace revokes the whole family")
    void refreshRetryAfterGrace() throws InterruptedException {
        try (FrontHarness shortGrace = FrontHarness.startAsIssuer(
                FrontHarness.DEV_SIGN_IN + "refresh_grace: 2s\n", """
                - path: "/a"
                  type: http
                  backend: "%s"
                """.formatted(backend.url()))) {
            String base = shortGrace.baseUrl();
            OAuthBrowser browser = new OAuthBrowser(base);
            JsonObject first = browser.tokens(REDIRECT, "alice@example.com");
            String clientId = first.getString("client_id");
            HttpResponse<String> rotated = browser.refresh(clientId, first.getString("refresh_token"));
            assertThat(rotated.statusCode()).isEqualTo(200);
            JsonObject second = new JsonObject(rotated.body());

            // Waited out, never raced: whatever the machine's speed, the retry comes after the window.
            Thread.sleep(3000);
            HttpResponse<String> late = browser.refresh(clientId, first.getString("refresh_token"));
            assertThat(late.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(late.body()).getString("error")).isEqualTo("invalid_grant");
            assertThat(browser.refresh(clientId, second.getString("refresh_token"))
                            .statusCode())
                    .as("the newest refresh token of the family is revoked too")
                    .isEqualTo(400);
            assertThat(RawHttp.send(RawHttp.mcpPost(
                                    base + "/a/mcp", RawHttp.INITIALIZE, second.getString("access_token")))
                            .statusCode())
                    .as("the family's access tokens are revoked too")
                    .isEqualTo(401);
        }
    }

    @Test
    @DisplayName("revocation: a revoked access token is refused; a revoked refresh token cannot refresh")
    void revocation() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        JsonObject tokens = browser.tokens(REDIRECT, "alice@example.com");
        String clientId = tokens.getString("client_id");
        assertThat(browser.revoke(clientId, tokens.getString("access_token")).statusCode())
                .isEqualTo(200);
        assertThat(initialize("/a", tokens.getString("access_token")).statusCode())
                .isEqualTo(401);
        assertThat(browser.revoke(clientId, tokens.getString("refresh_token")).statusCode())
                .isEqualTo(200);
        assertThat(browser.refresh(clientId, tokens.getString("refresh_token")).statusCode())
                .isEqualTo(400);
        assertThat(browser.revoke(clientId, "unknown-token").statusCode())
                .as("RFC 7009 §2.2")
                .isEqualTo(200);
    }

    @Test
    @DisplayName("the token endpoint checks the PKCE verifier and the redirect URI, and answers 401 invalid_client for "
            + "unknown clients")
    void tokenChecks() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT);
        String code = browser.authorize(authorization, "alice@example.com");
        OAuthBrowser.Authorization wrongVerifier = new OAuthBrowser.Authorization(
                clientId, REDIRECT, "x".repeat(43), authorization.state(), authorization.url());
        HttpResponse<String> refused = browser.exchange(wrongVerifier, code);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("invalid_grant");

        HttpResponse<String> unknown = browser.postForm(
                issuer + "/token",
                Map.of("grant_type", "refresh_token", "refresh_token", "x", "client_id", "no-such-client"));
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("invalid_client");
    }

    @Test
    @DisplayName("a bad authorization request gets an error page, never a redirect, even to a registered URI (RFC 9700 "
            + "4.11)")
    void authorizeChecks() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        // Registration is open: anyone can register a URI of theirs and make /authorize bounce to it.
        String attacker = "https://attacker.example/landing";
        String clientId = browser.register(attacker);
        OAuthBrowser.Authorization good = browser.authorization(clientId, attacker);

        Map<String, String> probes = new java.util.LinkedHashMap<>();
        probes.put("unsupported_response_type", good.url().replace("response_type=code", "response_type=token"));
        probes.put("plain PKCE", good.url().replace("code_challenge_method=S256", "code_challenge_method=plain"));
        probes.put("missing PKCE", good.url().replaceAll("&code_challenge=[^&]*", ""));
        probes.put("prompt=none", good.url() + "&prompt=none");
        probes.put("repeated state", good.url() + "&state=again");
        probes.put(
                "foreign resource",
                browser.authorization(clientId, attacker, "https://elsewhere.example/mcp")
                        .url());
        probes.forEach((probe, url) -> {
            HttpResponse<String> page = browser.get(url);
            assertThat(page.statusCode()).as(probe).isEqualTo(400);
            assertThat(page.headers().firstValue("Location")).as(probe).isEmpty();
            assertThat(page.headers().firstValue("Content-Type").orElse(""))
                    .as(probe)
                    .startsWith("text/html");
            assertThat(page.body()).as(probe).doesNotContain(attacker);
        });
        assertThat(browser.get(probes.get("plain PKCE")).body()).contains("S256");

        HttpResponse<String> unknownClient =
                browser.get(good.url().replace("client_id=" + clientId, "client_id=nobody"));
        assertThat(unknownClient.statusCode()).isEqualTo(400);
        assertThat(unknownClient.headers().firstValue("Location")).isEmpty();

        HttpResponse<String> badRedirect = browser.get(
                browser.authorization(clientId, "https://other.example/cb").url());
        assertThat(badRedirect.statusCode()).isEqualTo(400);
        assertThat(badRedirect.headers().firstValue("Location")).isEmpty();
        assertThat(badRedirect.body()).contains("not registered");
    }

    @Test
    @DisplayName("registration accepts Claude's callbacks and loopback, refuses plain http elsewhere")
    void registration() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        for (String uri : List.of(
                "https://claude.ai/api/mcp/auth_callback",
                "https://claude.com/api/mcp/auth_callback",
                "http://localhost:33418/callback",
                "http://[::1]:8000/cb")) {
            HttpResponse<String> response = browser.postJson(
                    issuer + "/register",
                    new JsonObject()
                            .put("redirect_uris", new io.vertx.core.json.JsonArray().add(uri))
                            .put("token_endpoint_auth_method", "none"));
            assertThat(response.statusCode()).as(uri).isEqualTo(201);
            assertThat(new JsonObject(response.body()).containsKey("client_secret"))
                    .isFalse();
        }
        HttpResponse<String> http = browser.postJson(
                issuer + "/register",
                new JsonObject()
                        .put("redirect_uris", new io.vertx.core.json.JsonArray().add("http://evil.example/cb")));
        assertThat(http.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(http.body()).getString("error")).isEqualTo("invalid_redirect_uri");

        HttpResponse<String> confidential = browser.postJson(
                issuer + "/register",
                new JsonObject()
                        .put("redirect_uris", new io.vertx.core.json.JsonArray().add("https://app.example/cb"))
                        .put("token_endpoint_auth_method", "client_secret_basic"));
        assertThat(confidential.statusCode()).isEqualTo(201);
        assertThat(new JsonObject(confidential.body()).getString("client_secret"))
                .isNotBlank();
    }

    @Test
    @DisplayName("refuses a user outside the allowed domains with a page that says why, and issues no code")
    void refusedUser() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);
        HttpResponse<String> refused = browser.signIn(browser.authorization(clientId, REDIRECT), "mallory@other.org");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("other.org");
        assertThat(refused.body()).doesNotContain("name=\"consent\"");
    }

    @Test
    @DisplayName("the sign-in is bound to the browser that started it, and the consent form to its CSRF token")
    void csrf() {
        OAuthBrowser alice = new OAuthBrowser(issuer);
        String clientId = alice.register(REDIRECT);
        OAuthBrowser.Authorization authorization = alice.authorization(clientId, REDIRECT);
        HttpResponse<String> consentPage = alice.signIn(authorization, "alice@example.com");
        Map<String, String> form = OAuthBrowser.hidden(consentPage.body());

        OAuthBrowser other = new OAuthBrowser(issuer);
        HttpResponse<String> forged = other.postForm(
                issuer + "/consent",
                Map.of("consent", form.get("consent"), "csrf", form.get("csrf"), "decision", "allow"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Location")).isEmpty();

        // The consent record is single use: the forged attempt consumed it.
        assertThat(alice.consent(consentPage, "allow").statusCode()).isEqualTo(400);

        HttpResponse<String> denied =
                alice.consent(alice.signIn(alice.authorization(clientId, REDIRECT), "alice@example.com"), "deny");
        assertThat(OAuthBrowser.query(OAuthBrowser.location(denied))).containsEntry("error", "access_denied");
    }

    @Test
    @DisplayName("a session answers only the user who opened it: another user's token with its id gets 404")
    void sessionBoundToUser() {
        String alice =
                new OAuthBrowser(issuer).tokens(REDIRECT, "alice@example.com").getString("access_token");
        String bob =
                new OAuthBrowser(issuer).tokens(REDIRECT, "bob@example.com").getString("access_token");
        HttpResponse<String> opened = initialize("/a", alice);
        String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String initialized = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

        HttpResponse<String> hijack = RawHttp.send(RawHttp.anonymous(issuer + "/a/mcp")
                .header("Authorization", "Bearer " + bob)
                .header("Mcp-Session-Id", session)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(initialized)));
        assertThat(hijack.statusCode()).isEqualTo(404);

        HttpResponse<String> owner = RawHttp.send(RawHttp.anonymous(issuer + "/a/mcp")
                .header("Authorization", "Bearer " + alice)
                .header("Mcp-Session-Id", session)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(initialized)));
        assertThat(owner.statusCode()).isEqualTo(202);
    }

    @Test
    @DisplayName(
            "a client ID metadata document is fetched, checked and named on the consent page; a mismatched one gets "
                    + "an error page")
    void clientMetadataDocument() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            int port = FreePorts.next();
            String good = "http://127.0.0.1:" + port + "/client.json";
            String lying = "http://127.0.0.1:" + port + "/lying.json";
            vertx.createHttpServer()
                    .requestHandler(request -> {
                        String clientId = request.path().equals("/client.json")
                                ? good
                                : "https://claude.ai/oauth/mcp-oauth-client-metadata";
                        request.response()
                                .putHeader("Content-Type", "application/json")
                                .end(new JsonObject()
                                        .put("client_id", clientId)
                                        .put("client_name", "Document Client")
                                        .put("redirect_uris", new io.vertx.core.json.JsonArray().add(REDIRECT))
                                        .put("token_endpoint_auth_method", "none")
                                        .encode());
                    })
                    .listen(port, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();

            OAuthBrowser browser = new OAuthBrowser(issuer);
            OAuthBrowser.Authorization authorization = browser.authorization(good, REDIRECT);
            HttpResponse<String> consentPage = browser.signIn(authorization, "alice@example.com");
            assertThat(consentPage.statusCode()).isEqualTo(200);
            assertThat(consentPage.body()).contains("Document Client").contains(good);
            HttpResponse<String> back = browser.consent(consentPage, "allow");
            String code = OAuthBrowser.query(OAuthBrowser.location(back)).get("code");
            HttpResponse<String> token = browser.exchange(authorization, code);
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            assertThat(initialize("/a", new JsonObject(token.body()).getString("access_token"))
                            .statusCode())
                    .isEqualTo(200);

            HttpResponse<String> mismatch =
                    browser.get(browser.authorization(lying, REDIRECT).url());
            assertThat(mismatch.statusCode()).isEqualTo(400);
            assertThat(mismatch.headers().firstValue("Location")).isEmpty();
        } finally {
            vertx.close();
        }
    }
}
