package org.mcpfront.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.identity.Admission.Decision;

@DisplayName("Admission lets in verified accounts of allowed Workspace domains and listed addresses, nobody else")
class AdmissionTest {

    private static final OAuthConfig EXAMPLE_COM = TestConfigs.admitting(List.of("Example.com"), List.of());

    private static Identity google(String email, boolean verified, String hd) {
        return new Identity("sub-1", email, verified, hd, null);
    }

    @Test
    @DisplayName("a verified account of an allowed hosted domain is admitted, whatever the case of the domain")
    void allowedDomain() {
        assertThat(Admission.check(google("alice@example.com", true, "example.com"), EXAMPLE_COM)
                        .admitted())
                .isTrue();
        assertThat(Admission.check(google("Alice@Example.COM", true, "EXAMPLE.com"), EXAMPLE_COM)
                        .admitted())
                .isTrue();
    }

    @Test
    @DisplayName("an unverified email is refused, even at an allowed domain or on the allowed list")
    void unverified() {
        OAuthConfig listed = TestConfigs.admitting(List.of("example.com"), List.of("eve@example.com"));
        Decision decision = Admission.check(google("eve@example.com", false, "example.com"), listed);

        assertThat(decision.admitted()).isFalse();
        assertThat(decision.reason()).startsWith("Google has not verified the email address eve@example.com");
    }

    @Test
    @DisplayName("another hosted domain is refused with a reason that names it and the setting that would admit it")
    void otherDomain() {
        Decision decision = Admission.check(google("mallory@other.org", true, "other.org"), EXAMPLE_COM);

        assertThat(decision.admitted()).isFalse();
        assertThat(decision.reason())
                .contains("other.org")
                .contains("administrator")
                .contains("oauth.allowed_domains");
    }

    @Test
    @DisplayName("a consumer account with an address at an allowed domain is refused: the suffix alone proves nothing")
    void consumerAccountAtAllowedDomain() {
        Decision decision = Admission.check(google("alice@example.com", true, null), EXAMPLE_COM);

        assertThat(decision.admitted()).isFalse();
        assertThat(decision.reason()).contains("example.com").contains("oauth.allowed_emails");
    }

    @Test
    @DisplayName("a consumer gmail account is refused unless its address is listed")
    void consumerAccount() {
        Identity bob = google("bob@gmail.com", true, null);

        assertThat(Admission.check(bob, EXAMPLE_COM).admitted()).isFalse();
        assertThat(Admission.check(bob, EXAMPLE_COM).reason()).contains("gmail.com");
        assertThat(Admission.check(bob, TestConfigs.admitting(List.of("example.com"), List.of("Bob@Gmail.com")))
                        .admitted())
                .isTrue();
    }

    @Test
    @DisplayName("an address outside the hosted domain that manages the account is refused")
    void emailOutsideHostedDomain() {
        OAuthConfig both = TestConfigs.admitting(List.of("example.com", "example.org"), List.of());
        Decision decision = Admission.check(google("alice@example.org", true, "example.com"), both);

        assertThat(decision.admitted()).isFalse();
        assertThat(decision.reason()).contains("alice@example.org").contains("example.com");
    }

    @Test
    @DisplayName("a listed address is admitted whatever its domain")
    void listedEmail() {
        OAuthConfig listed = TestConfigs.admitting(List.of("example.com"), List.of("contractor@other.org"));

        assertThat(Admission.check(google("CONTRACTOR@other.org", true, "other.org"), listed)
                        .admitted())
                .isTrue();
        assertThat(Admission.check(google("someone@other.org", true, "other.org"), listed)
                        .admitted())
                .isFalse();
    }

    @Test
    @DisplayName("a dev sign-in is admitted by the domain of the typed address")
    void devIdentity() {
        assertThat(Admission.check(
                                new Identity("dev:a@example.com", "a@example.com", true, "example.com", null),
                                EXAMPLE_COM)
                        .admitted())
                .isTrue();
        assertThat(Admission.check(new Identity("dev:a@other.org", "a@other.org", true, "other.org", null), EXAMPLE_COM)
                        .admitted())
                .isFalse();
    }

    @Test
    @DisplayName(
            "generic OIDC: a verified email of an allowed domain is admitted without hd; another domain is refused")
    void oidcByEmailDomain() {
        OAuthConfig oidc = TestConfigs.oidc(List.of("example.com"), List.of());
        assertThat(Admission.check(google("alice@Example.com", true, null), oidc)
                        .admitted())
                .isTrue();
        Decision other = Admission.check(google("mallory@other.org", true, null), oidc);
        assertThat(other.admitted()).isFalse();
        assertThat(other.reason()).contains("other.org").contains("oauth.allowed_domains");
        Decision unverified = Admission.check(google("eve@example.com", false, null), oidc);
        assertThat(unverified.admitted()).isFalse();
        assertThat(unverified.reason()).startsWith("Your identity provider has not verified");
    }

    @Test
    @DisplayName("iam: and group: principals in allowed_emails admit the users whose memberships hold them")
    void memberPrincipals() {
        OAuthConfig byRole =
                TestConfigs.admitting(List.of(), List.of("iam:roles/run.invoker", "group:eng@example.com"));
        Identity bob = google("bob@gmail.com", true, null);

        assertThat(Admission.check(bob, byRole, Memberships.Resolved.of(List.of("iam:roles/run.invoker")))
                        .reason())
                .contains("iam:roles/run.invoker");
        assertThat(Admission.check(bob, byRole, Memberships.Resolved.of(List.of("Eng@Example.com")))
                        .admitted())
                .isTrue();
        Decision refused = Admission.check(
                bob,
                byRole,
                new Memberships.Resolved(
                        java.util.Set.of("iam:roles/viewer"),
                        List.of("the IAM roles could not be looked up: HTTP 403")));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.reason())
                .contains("holds none of iam:roles/run.invoker, group:eng@example.com")
                .contains("IAM roles on the Google Cloud project")
                .contains("HTTP 403");
    }
}
