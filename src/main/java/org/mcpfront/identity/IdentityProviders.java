package org.mcpfront.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.OidcConfig;

/** Picks the identity provider that {@code oauth.identity} names. */
public final class IdentityProviders {

    private IdentityProviders() {}

    public static IdentityProvider create(Vertx vertx, OAuthConfig oauth) {
        return switch (oauth.identity()) {
            case GOOGLE -> new GoogleIdentity(vertx, oauth);
            case OIDC -> {
                OidcConfig oidc = oauth.oidc()
                        .orElseThrow(() ->
                                new IllegalArgumentException("oauth.oidc is required when oauth.identity is oidc"));
                yield new OidcIdentity(
                        vertx,
                        oauth.issuer(),
                        new OidcIdentity.Provider(
                                providerName(oidc.issuer()),
                                oidc.issuer(),
                                oidc.clientId(),
                                oidc.clientSecret(),
                                null,
                                oidc.groupsClaim()));
            }
            case DEV -> new DevIdentity(oauth);
        };
    }

    /**
     * Creates the provider and, for Google and OIDC, completes once discovery was attempted. It never fails because
     * the provider is unreachable: that is logged, and the next sign-in tries again.
     */
    public static Future<IdentityProvider> start(Vertx vertx, OAuthConfig oauth) {
        IdentityProvider provider = create(vertx, oauth);
        if (provider instanceof GoogleIdentity google) {
            return google.start().map(provider);
        }
        if (provider instanceof OidcIdentity oidc) {
            return oidc.start().map(provider);
        }
        return Future.succeededFuture(provider);
    }

    /** How messages name a generic provider: its issuer's host ("login.example.com"). */
    static String providerName(String issuer) {
        try {
            String host = java.net.URI.create(issuer).getHost();
            return host == null ? issuer : host;
        } catch (IllegalArgumentException e) {
            return issuer;
        }
    }
}
