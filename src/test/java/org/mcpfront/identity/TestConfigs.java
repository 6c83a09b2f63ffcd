package org.mcpfront.identity;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.OAuthConfig.GoogleConfig;
import org.mcpfront.config.OAuthConfig.IdentityKind;
import org.mcpfront.config.OAuthConfig.StorageKind;
import org.mcpfront.config.OAuthLimits;
import org.mcpfront.config.RateLimit;

/** OAuth sections for the tests of this package. */
final class TestConfigs {

    static final String ISSUER = "http://localhost:8080";

    private TestConfigs() {}

    static OAuthConfig dev(List<String> allowedDomains) {
        return oauth(IdentityKind.DEV, allowedDomains, List.of(), Optional.empty());
    }

    static OAuthConfig google(GoogleConfig google, List<String> allowedDomains) {
        return oauth(IdentityKind.GOOGLE, allowedDomains, List.of(), Optional.of(google));
    }

    static OAuthConfig admitting(List<String> allowedDomains, List<String> allowedEmails) {
        return oauth(IdentityKind.DEV, allowedDomains, allowedEmails, Optional.empty());
    }

    static OAuthConfig oidc(List<String> allowedDomains, List<String> allowedEmails) {
        return oauth(IdentityKind.OIDC, allowedDomains, allowedEmails, Optional.empty());
    }

    private static OAuthConfig oauth(
            IdentityKind identity,
            List<String> allowedDomains,
            List<String> allowedEmails,
            Optional<GoogleConfig> google) {
        return new OAuthConfig(
                ISSUER,
                "",
                allowedDomains,
                allowedEmails,
                List.of(),
                Duration.ofHours(1),
                Duration.ofDays(30),
                Duration.ofSeconds(60),
                StorageKind.MEMORY,
                "redis://127.0.0.1:6379",
                Optional.empty(),
                identity,
                google,
                Duration.ofDays(1),
                new OAuthLimits(
                        new RateLimit(20, Duration.ofHours(1)),
                        new RateLimit(200, Duration.ofHours(1)),
                        new RateLimit(60, Duration.ofMinutes(1)),
                        64L * 1024 * 1024));
    }
}
