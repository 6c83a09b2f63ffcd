package org.mcpfront.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.mcpfront.config.OAuthConfig;

/** Picks the identity provider that {@code oauth.identity} names. */
public final class IdentityProviders {

    private IdentityProviders() {
    }

    public static IdentityProvider create(Vertx vertx, OAuthConfig oauth) {
        return switch (oauth.identity()) {
            case GOOGLE -> new GoogleIdentity(vertx, oauth);
            case DEV -> new DevIdentity(oauth);
        };
    }

    /**
     * Creates the provider and, for Google, completes once OIDC discovery was attempted. It never fails because
     * the provider is unreachable: that is logged, and the next sign-in tries again.
     */
    public static Future<IdentityProvider> start(Vertx vertx, OAuthConfig oauth) {
        IdentityProvider provider = create(vertx, oauth);
        if (provider instanceof GoogleIdentity google) {
            return google.start().map(provider);
        }
        return Future.succeededFuture(provider);
    }
}
