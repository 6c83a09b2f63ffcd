package org.mcpfront.identity;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.oauth2.model.Userinfo;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with an OpenID Connect provider (Google, or any issuer with a discovery document): authorization code
 * flow with PKCE and a nonce, claims from the ID token that Vert.x validated against the issuer's JWKS, cross-checked
 * against the userinfo endpoint. The provider's {@code groups} claim, when it sends one, becomes the identity's groups.
 */
public final class OidcIdentity implements IdentityProvider {

    private static final Logger log = LoggerFactory.getLogger(OidcIdentity.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> SCOPES = List.of("openid", "email", "profile");
    private static final int TIMEOUT_MS = 10_000;
    private static final int MAX_REASON_LENGTH = 200;

    private final Vertx vertx;
    private final Provider provider;
    private final String redirectUri;
    private final WebClient web;
    /** The discovered provider; a failed attempt is replaced by a new one on the next sign-in. */
    private final AtomicReference<Future<Discovered>> discovery = new AtomicReference<>();

    private record Discovered(OAuth2Auth auth, String userInfoUrl) {}

    /**
     * Which provider, as people call it in messages ({@code name}), and how to reach it.
     *
     * @param domainHint  a domain for the provider's account chooser ({@code hd}), or null
     * @param groupsClaim the ID token claim that lists the user's groups, or null to read none
     */
    public record Provider(
            String name, String issuer, String clientId, String clientSecret, String domainHint, String groupsClaim) {

        @Override
        public String toString() {
            return "Provider[" + name + ", issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=***]";
        }
    }

    public OidcIdentity(Vertx vertx, String ourIssuer, Provider provider) {
        this.vertx = vertx;
        this.provider = provider;
        this.redirectUri = ourIssuer + CALLBACK_PATH;
        this.web = WebClient.create(
                vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS).setFollowRedirects(false));
    }

    /**
     * Runs OIDC discovery. Always succeeds: when the provider cannot be reached the failure is logged and
     * discovery is tried again by the next sign-in, so an outage at start-up does not stop the process.
     */
    public Future<Void> start() {
        return discovered()
                .onSuccess(d -> log.atInfo()
                        .addKeyValue("provider", provider.name())
                        .addKeyValue("issuer", provider.issuer())
                        .log("sign-in ready: OIDC discovery done"))
                .onFailure(e -> log.atWarn()
                        .addKeyValue("provider", provider.name())
                        .addKeyValue("issuer", provider.issuer())
                        .addKeyValue("reason", e.getMessage())
                        .log("sign-in is not ready: OIDC discovery failed; the next sign-in tries again"))
                .<Void>mapEmpty()
                .otherwiseEmpty();
    }

    @Override
    public Future<SignInStart> begin(String state) {
        return discovered().recover(e -> Future.failedFuture(unreachable(e))).map(d -> {
            String nonce = randomToken();
            String verifier = randomToken();
            OAuth2AuthorizationURL url = new OAuth2AuthorizationURL()
                    .setRedirectUri(redirectUri)
                    .setScopes(SCOPES)
                    .setState(state)
                    .setCodeChallenge(challenge(verifier))
                    .setCodeChallengeMethod("S256")
                    .putAdditionalParameter("nonce", nonce);
            if (provider.domainHint() != null) {
                // Only a hint for Google's account chooser; admission checks the hd claim itself.
                url.putAdditionalParameter("hd", provider.domainHint());
            }
            JsonObject providerState = new JsonObject().put("nonce", nonce).put("code_verifier", verifier);
            return new SignInStart(d.auth().authorizeURL(url), providerState);
        });
    }

    @Override
    public Future<Identity> finish(MultiMap params, JsonObject providerState) {
        String error = params.get("error");
        if (error != null) {
            String description = params.get("error_description");
            return Future.failedFuture(provider.name() + " refused the sign-in: " + error
                    + (description == null || description.isBlank() ? "" : " (" + description + ")")
                    + ". Try again, and allow access when " + provider.name() + " asks.");
        }
        String code = params.get("code");
        if (code == null || code.isBlank()) {
            return Future.failedFuture(
                    provider.name() + "'s answer carried no authorization code. Start the sign-in again.");
        }
        String nonce = providerState == null ? null : providerState.getString("nonce");
        String verifier = providerState == null ? null : providerState.getString("code_verifier");
        if (nonce == null || verifier == null) {
            return Future.failedFuture("This sign-in was not started here or has expired. Start the sign-in again.");
        }
        return discovered()
                .recover(e -> Future.failedFuture(unreachable(e)))
                .compose(d -> exchange(d, code, verifier)
                        .compose(user -> idTokenClaims(user, nonce))
                        .compose(claims -> withUserInfo(d, claims)));
    }

    private Future<User> exchange(Discovered d, String code, String verifier) {
        Oauth2Credentials credentials = new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode(code)
                .setRedirectUri(redirectUri)
                .setCodeVerifier(verifier);
        return d.auth().authenticate(credentials).recover(e -> {
            log.atWarn()
                    .addKeyValue("provider", provider.name())
                    .addKeyValue("reason", e.getMessage())
                    .log("sign-in: the code exchange failed");
            return Future.failedFuture(provider.name() + " did not accept the sign-in (the code exchange failed). "
                    + "Start the sign-in again.");
        });
    }

    /** The ID token's claims: Vert.x has checked its signature, issuer, audience and expiry, or left it out. */
    private Future<Claims> idTokenClaims(User user, String nonce) {
        JsonObject idToken = user.attributes().getJsonObject("idToken");
        if (idToken == null) {
            log.atWarn()
                    .addKeyValue("provider", provider.name())
                    .log("sign-in: the token response held no valid ID token");
            return Future.failedFuture(provider.name() + "'s answer held no valid ID token. Start the sign-in again.");
        }
        if (!nonce.equals(idToken.getString("nonce"))) {
            log.atWarn().addKeyValue("provider", provider.name()).log("sign-in: the ID token's nonce does not match");
            return Future.failedFuture(provider.name()
                    + "'s ID token does not belong to this sign-in (nonce mismatch). " + "Start the sign-in again.");
        }
        String sub = idToken.getString("sub");
        String email = idToken.getString("email");
        if (sub == null || email == null) {
            return Future.failedFuture(provider.name()
                    + " did not share the account's email address. Sign in again and allow " + "mcp-front to see it.");
        }
        return Future.succeededFuture(new Claims(
                user.principal().getString("access_token"),
                sub,
                email.toLowerCase(Locale.ROOT),
                verified(idToken.getValue("email_verified")),
                idToken.getString("hd"),
                idToken.getString("name"),
                groups(idToken)));
    }

    private Future<Identity> withUserInfo(Discovered d, Claims claims) {
        if (d.userInfoUrl() == null || claims.accessToken() == null) {
            return Future.succeededFuture(claims.identity(claims.name()));
        }
        return web.getAbs(d.userInfoUrl())
                .bearerTokenAuthentication(claims.accessToken())
                .putHeader("Accept", "application/json")
                .timeout(TIMEOUT_MS)
                .send()
                .recover(e -> Future.failedFuture(provider.name() + "'s userinfo endpoint could not be reached ("
                        + e.getMessage() + "). Try again in a minute."))
                .compose(response -> parseUserInfo(response).compose(info -> crossCheck(claims, info)));
    }

    private Future<Userinfo> parseUserInfo(HttpResponse<?> response) {
        if (response.statusCode() != 200) {
            log.atWarn()
                    .addKeyValue("provider", provider.name())
                    .addKeyValue("status", response.statusCode())
                    .log("sign-in: the userinfo endpoint refused");
            return Future.failedFuture(provider.name() + "'s userinfo endpoint answered " + response.statusCode()
                    + ". Start the sign-in again.");
        }
        try {
            String body = response.bodyAsString(StandardCharsets.UTF_8.name());
            if (body == null) {
                return Future.failedFuture(provider.name() + "'s userinfo answer was empty. Start the sign-in again.");
            }
            return Future.succeededFuture(GsonFactory.getDefaultInstance().fromString(body, Userinfo.class));
        } catch (IOException | IllegalArgumentException e) {
            return Future.failedFuture(
                    provider.name() + "'s userinfo answer could not be read. Start the sign-in again.");
        }
    }

    private Future<Identity> crossCheck(Claims claims, Userinfo info) {
        Object infoSub = info.get("sub");
        if (infoSub != null && !claims.sub().equals(infoSub.toString())) {
            return Future.failedFuture(provider.name() + "'s userinfo describes another account than the ID token. "
                    + "Start the sign-in again.");
        }
        if (info.getEmail() != null && !info.getEmail().equalsIgnoreCase(claims.email())) {
            return Future.failedFuture(provider.name() + "'s userinfo names another email address than the ID token. "
                    + "Start the sign-in again.");
        }
        return Future.succeededFuture(claims.identity(claims.name() != null ? claims.name() : info.getName()));
    }

    private Future<Discovered> discovered() {
        while (true) {
            Future<Discovered> current = discovery.get();
            if (current != null && !current.failed()) {
                return current;
            }
            // Claim the retry before starting it, so that concurrent sign-ins share one discovery.
            Promise<Discovered> next = Promise.promise();
            if (discovery.compareAndSet(current, next.future())) {
                discover().onComplete(next);
                return next.future();
            }
        }
    }

    private Future<Discovered> discover() {
        OAuth2Options options = new OAuth2Options()
                .setClientId(provider.clientId())
                .setClientSecret(provider.clientSecret())
                .setSite(provider.issuer());
        options.getHttpClientOptions().setConnectTimeout(TIMEOUT_MS);
        // discover() fills the options with the endpoints it found, the userinfo endpoint among them.
        return OpenIDConnectAuth.discover(vertx, options).map(auth -> new Discovered(auth, options.getUserInfoPath()));
    }

    private String unreachable(Throwable e) {
        String reason = String.valueOf(e.getMessage());
        // A failed discovery may quote a whole error page: a line of it is enough for a person.
        if (reason.length() > MAX_REASON_LENGTH) {
            reason = reason.substring(0, MAX_REASON_LENGTH) + "…";
        }
        return "Sign-in with " + provider.name() + " is unavailable: " + provider.issuer() + " could not be reached ("
                + reason + "). Try again in a minute.";
    }

    /** The provider's groups claim: a list of strings, or one string; anything else counts as none. */
    private List<String> groups(JsonObject idToken) {
        if (provider.groupsClaim() == null) {
            return List.of();
        }
        Object value = idToken.getValue(provider.groupsClaim());
        if (value instanceof String one) {
            return List.of(one);
        }
        if (value instanceof JsonArray many) {
            return many.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return List.of();
    }

    /** Google sends a boolean; some providers send the string "true". */
    private static boolean verified(Object value) {
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** What the ID token said, and the access token for the userinfo call (never logged). */
    private record Claims(
            String accessToken,
            String sub,
            String email,
            boolean emailVerified,
            String hd,
            String name,
            List<String> groups) {

        Identity identity(String displayName) {
            return new Identity(sub, email, emailVerified, hd, displayName, groups);
        }

        @Override
        public String toString() {
            return "Claims[sub=" + sub + ", email=" + email + "]";
        }
    }
}
