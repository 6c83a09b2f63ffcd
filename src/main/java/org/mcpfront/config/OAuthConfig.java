package org.mcpfront.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code oauth:} section: our authorization server and the identity provider behind it.
 *
 * @param admins          who may read the details of {@code /ready}: email addresses and {@code @domain}s, lower case
 * @param refreshGrace    how long the refresh token rotated last may be presented again by its client, for the same
 *                        pair, when the answer to the rotation was lost; zero: never
 * @param unusedClientTtl how long a client registered through {@code /register} is kept while no sign-in
 *                        with it has completed (a completed one keeps it for a year)
 */
public record OAuthConfig(
        String issuer,
        String gcpProject,
        List<String> allowedDomains,
        List<String> allowedEmails,
        List<String> admins,
        Duration tokenTtl,
        Duration refreshTokenTtl,
        Duration refreshGrace,
        StorageKind storage,
        String redisUrl,
        Optional<String> signingKeyFile,
        IdentityKind identity,
        Optional<GoogleConfig> google,
        Duration unusedClientTtl,
        OAuthLimits limits,
        Optional<OidcConfig> oidc,
        GcpConfig gcp) {

    public OAuthConfig {
        allowedDomains = List.copyOf(allowedDomains);
        allowedEmails = List.copyOf(allowedEmails);
        admins = List.copyOf(admins);
        gcp = gcp == null ? GcpConfig.defaults() : gcp;
    }

    /** A section without a generic OIDC provider and with the default Google Cloud settings. */
    public OAuthConfig(
            String issuer,
            String gcpProject,
            List<String> allowedDomains,
            List<String> allowedEmails,
            List<String> admins,
            Duration tokenTtl,
            Duration refreshTokenTtl,
            Duration refreshGrace,
            StorageKind storage,
            String redisUrl,
            Optional<String> signingKeyFile,
            IdentityKind identity,
            Optional<GoogleConfig> google,
            Duration unusedClientTtl,
            OAuthLimits limits) {
        this(
                issuer,
                gcpProject,
                allowedDomains,
                allowedEmails,
                admins,
                tokenTtl,
                refreshTokenTtl,
                refreshGrace,
                storage,
                redisUrl,
                signingKeyFile,
                identity,
                google,
                unusedClientTtl,
                limits,
                Optional.empty(),
                null);
    }

    @Override
    public String toString() {
        // A Redis URL may carry a password (redis://user:password@host): print it without the user info.
        return "OAuthConfig[issuer=" + issuer + ", gcpProject=" + gcpProject + ", allowedDomains=" + allowedDomains
                + ", allowedEmails=" + allowedEmails + ", admins=" + admins + ", tokenTtl=" + tokenTtl
                + ", refreshTokenTtl=" + refreshTokenTtl + ", refreshGrace=" + refreshGrace
                + ", storage=" + storage + ", redisUrl=" + redisUrl.replaceFirst("//[^/]*@", "//***@")
                + ", signingKeyFile=" + signingKeyFile + ", identity=" + identity + ", google=" + google
                + ", unusedClientTtl=" + unusedClientTtl + ", limits=" + limits + ", oidc=" + oidc + ", gcp=" + gcp
                + "]";
    }

    public enum StorageKind {
        MEMORY,
        REDIS
    }

    public enum IdentityKind {
        GOOGLE,
        OIDC,
        DEV
    }

    /** The {@code oauth.google:} section; present when {@code identity} is google. */
    public record GoogleConfig(String clientId, String clientSecret, String issuer) {
        @Override
        public String toString() {
            // Keeps the secret out of any log line that prints a config.
            return "GoogleConfig[clientId=" + clientId + ", clientSecret=***, issuer=" + issuer + "]";
        }
    }
}
