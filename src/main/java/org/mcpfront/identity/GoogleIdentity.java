package org.mcpfront.identity;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.OAuthConfig.GoogleConfig;

/**
 * Sign-in with Google ({@code identity: google}): the OpenID Connect flow of {@link OidcIdentity} at
 * {@code oauth.google.issuer}, with the one allowed domain as the account chooser's hint. Admission then holds
 * Google accounts to their hosted domain ({@code hd}, see {@link Admission}).
 */
public final class GoogleIdentity implements IdentityProvider {

    private final OidcIdentity oidc;

    public GoogleIdentity(Vertx vertx, OAuthConfig oauth) {
        GoogleConfig google = oauth.google()
                .orElseThrow(
                        () -> new IllegalArgumentException("oauth.google is required when oauth.identity is google"));
        String hint =
                oauth.allowedDomains().size() == 1 ? oauth.allowedDomains().get(0) : null;
        this.oidc = new OidcIdentity(
                vertx,
                oauth.issuer(),
                new OidcIdentity.Provider(
                        "Google", google.issuer(), google.clientId(), google.clientSecret(), hint, null));
    }

    /** Runs OIDC discovery; always succeeds (see {@link OidcIdentity#start()}). */
    public Future<Void> start() {
        return oidc.start();
    }

    @Override
    public Future<SignInStart> begin(String state) {
        return oidc.begin(state);
    }

    @Override
    public Future<Identity> finish(MultiMap callbackParams, JsonObject providerState) {
        return oidc.finish(callbackParams, providerState);
    }
}
