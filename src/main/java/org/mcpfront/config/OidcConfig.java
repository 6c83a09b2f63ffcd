package org.mcpfront.config;

/**
 * {@code oauth.oidc:}: a generic OpenID Connect provider, present when {@code oauth.identity} is {@code oidc}.
 *
 * @param issuer      the issuer URL; its discovery document is at {@code <issuer>/.well-known/openid-configuration}
 * @param groupsClaim the ID token claim that lists the user's groups ({@code groups} unless set)
 */
public record OidcConfig(String issuer, String clientId, String clientSecret, String groupsClaim) {

    @Override
    public String toString() {
        // Keeps the secret out of any log line that prints a config.
        return "OidcConfig[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=***, groupsClaim="
                + groupsClaim + "]";
    }
}
