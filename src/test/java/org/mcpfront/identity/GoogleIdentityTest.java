package org.mcpfront.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.OAuthConfig.GoogleConfig;
import org.mcpfront.identity.IdentityProvider.SignInStart;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.GoogleStandIn;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("Google sign-in runs the code flow with PKCE and a nonce and vouches only for what the ID token says")
class GoogleIdentityTest {

    private static final String CALLBACK = TestConfigs.ISSUER + IdentityProvider.CALLBACK_PATH;

    private GoogleStandIn google;
    private GoogleIdentity identity;
    private WebClient browser;

    @BeforeEach
    void start(Vertx vertx, VertxTestContext ctx) {
        google = GoogleStandIn.start();
        identity = new GoogleIdentity(vertx, TestConfigs.google(google.config(), List.of("example.com")));
        // A browser that stops at each redirect, so the test sees where Google sends it.
        browser = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
        identity.start().onComplete(ctx.succeedingThenComplete());
    }

    @AfterEach
    void stop() {
        google.close();
    }

    @Test
    @DisplayName("begin asks for openid email profile with state, nonce, an S256 challenge and the hd hint")
    void authorizationUrl(VertxTestContext ctx) {
        identity.begin("state-1")
                .onComplete(ctx.succeeding(start -> ctx.verify(() -> {
                    assertThat(start.redirectUrl()).startsWith(google.issuerUrl() + "/authorize?");
                    Map<String, List<String>> query = new QueryStringDecoder(start.redirectUrl()).parameters();
                    assertThat(query.get("client_id")).containsExactly(GoogleStandIn.CLIENT_ID);
                    assertThat(query.get("response_type")).containsExactly("code");
                    assertThat(query.get("redirect_uri")).containsExactly(CALLBACK);
                    assertThat(query.get("scope")).containsExactly("openid email profile");
                    assertThat(query.get("state")).containsExactly("state-1");
                    assertThat(query.get("nonce"))
                            .containsExactly(start.providerState().getString("nonce"));
                    assertThat(query.get("code_challenge_method")).containsExactly("S256");
                    assertThat(query.get("code_challenge"))
                            .containsExactly(s256(start.providerState().getString("code_verifier")));
                    assertThat(query.get("hd")).containsExactly("example.com");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("each sign-in gets its own nonce and verifier, and no hd hint unless exactly one domain is allowed")
    void freshSecrets(Vertx vertx, VertxTestContext ctx) {
        OAuthConfig twoDomains = TestConfigs.google(google.config(), List.of("example.com", "example.org"));
        GoogleIdentity other = new GoogleIdentity(vertx, twoDomains);
        Future.all(identity.begin("s"), identity.begin("s"), other.begin("s"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    SignInStart first = all.resultAt(0);
                    SignInStart second = all.resultAt(1);
                    SignInStart third = all.resultAt(2);
                    assertThat(first.providerState().getString("nonce"))
                            .isNotEqualTo(second.providerState().getString("nonce"));
                    assertThat(first.providerState().getString("code_verifier"))
                            .isNotEqualTo(second.providerState().getString("code_verifier"))
                            .hasSizeGreaterThanOrEqualTo(43);
                    assertThat(new QueryStringDecoder(third.redirectUrl()).parameters())
                            .doesNotContainKey("hd");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a sign-in comes back to the callback with a code and the same state, and yields the account's claims")
    void signIn(VertxTestContext ctx) {
        google.nextSignIn(GoogleStandIn.ALLOWED);
        identity.begin("state-2")
                .compose(start -> callback(start).compose(params -> {
                    ctx.verify(() -> assertThat(params.get("state")).isEqualTo("state-2"));
                    return identity.finish(params, start.providerState());
                }))
                .onComplete(ctx.succeeding(signedIn -> ctx.verify(() -> {
                    assertThat(signedIn)
                            .isEqualTo(new Identity(
                                    "google-alice", "alice@example.com", true, "example.com", "Alice Example"));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a consumer account has no hosted domain, and an unverified one says so")
    void consumerAndUnverified(VertxTestContext ctx) {
        google.nextSignIn(GoogleStandIn.CONSUMER);
        signInOnce()
                .compose(bob -> {
                    ctx.verify(() ->
                            assertThat(bob).isEqualTo(new Identity("google-bob", "bob@gmail.com", true, null, "Bob")));
                    google.nextSignIn(GoogleStandIn.UNVERIFIED);
                    return signInOnce();
                })
                .onComplete(ctx.succeeding(eve -> ctx.verify(() -> {
                    assertThat(eve.emailVerified()).isFalse();
                    assertThat(eve.email()).isEqualTo("eve@example.com");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("an ID token minted for another sign-in (nonce mismatch) is refused")
    void nonceMismatch(VertxTestContext ctx) {
        google.nextSignIn(GoogleStandIn.ALLOWED);
        identity.begin("state-3")
                .compose(start -> callback(start).compose(params -> {
                    JsonObject forged = start.providerState().copy().put("nonce", "another-sign-in");
                    return identity.finish(params, forged);
                }))
                .onComplete(ctx.failing(e -> ctx.verify(() -> {
                    assertThat(e.getMessage()).contains("nonce");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a callback with error=access_denied is refused with a message that says Google refused and why")
    void accessDenied(VertxTestContext ctx) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap()
                .add("error", "access_denied")
                .add("error_description", "The user denied access")
                .add("state", "state-4");
        identity.begin("state-4")
                .compose(start -> identity.finish(params, start.providerState()))
                .onComplete(ctx.failing(e -> ctx.verify(() -> {
                    assertThat(e.getMessage())
                            .startsWith("Google refused the sign-in")
                            .contains("access_denied")
                            .contains("The user denied access");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("while Google is unreachable a sign-in fails clearly, and works once Google is back")
    void unreachableThenBack(Vertx vertx, VertxTestContext ctx) {
        int port = FreePorts.next();
        String issuer = "http://localhost:" + port + "/" + GoogleStandIn.ISSUER_ID;
        GoogleConfig config = new GoogleConfig(GoogleStandIn.CLIENT_ID, GoogleStandIn.CLIENT_SECRET, issuer);
        GoogleIdentity later = new GoogleIdentity(vertx, TestConfigs.google(config, List.of("example.com")));
        later.start().compose(started -> later.begin("state-5")).onComplete(ctx.failing(e -> {
            ctx.verify(() -> assertThat(e.getMessage())
                    .startsWith("Sign-in with Google is unavailable")
                    .contains(issuer));
            GoogleStandIn back = GoogleStandIn.start(port);
            later.begin("state-5")
                    .onComplete(ar -> back.close())
                    .onComplete(ctx.succeeding(start -> ctx.verify(() -> {
                        assertThat(start.redirectUrl()).startsWith(issuer + "/authorize?");
                        ctx.completeNow();
                    })));
        }));
    }

    @Test
    @DisplayName("identity: google starts the Google sign-in once discovery was attempted")
    void providers(Vertx vertx, VertxTestContext ctx) {
        OAuthConfig oauth = TestConfigs.google(google.config(), List.of("example.com"));
        IdentityProviders.start(vertx, oauth)
                .onComplete(ctx.succeeding(provider -> ctx.verify(() -> {
                    assertThat(provider).isInstanceOf(GoogleIdentity.class);
                    ctx.completeNow();
                })));
    }

    private Future<Identity> signInOnce() {
        return identity.begin("state")
                .compose(start -> callback(start).compose(params -> identity.finish(params, start.providerState())));
    }

    /** Follows the authorization URL as a browser would, and returns the parameters Google redirects back with. */
    private Future<MultiMap> callback(SignInStart start) {
        return browser.getAbs(start.redirectUrl()).send().map(response -> {
            assertThat(response.statusCode()).isEqualTo(302);
            String location = response.getHeader("Location");
            assertThat(location).startsWith(CALLBACK + "?");
            MultiMap params = MultiMap.caseInsensitiveMultiMap();
            new QueryStringDecoder(location).parameters().forEach(params::add);
            assertThat(params.get("code")).isNotBlank();
            return params;
        });
    }

    private static String s256(String verifier) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }
}
