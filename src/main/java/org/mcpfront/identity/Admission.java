package org.mcpfront.identity;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.OAuthConfig.IdentityKind;

/**
 * Decides whether a signed-in identity may use mcp-front: a verified email, and one of
 * <ul>
 *   <li>the address listed in {@code oauth.allowed_emails};</li>
 *   <li>a {@code group:<name>} or {@code iam:<role>} principal of {@code oauth.allowed_emails} that the user's
 *       memberships hold ({@link Memberships});</li>
 *   <li>an account of an allowed domain: with Google (and dev), a Workspace account whose hosted domain
 *       ({@code hd}) is in {@code oauth.allowed_domains} and whose email is in that domain; with a generic OIDC
 *       provider, which has no {@code hd}, a verified email in an allowed domain.</li>
 * </ul>
 */
public final class Admission {

    private Admission() {}

    /** The outcome; {@code reason} is fit to show the person who tried to sign in. */
    public record Decision(boolean admitted, String reason) {

        static Decision admit(String reason) {
            return new Decision(true, reason);
        }

        static Decision refuse(String reason) {
            return new Decision(false, reason);
        }
    }

    /** Admission without memberships (no {@code group:} or {@code iam:} principal can match). */
    public static Decision check(Identity identity, OAuthConfig oauth) {
        return check(identity, oauth, Memberships.Resolved.of(Set.of()));
    }

    public static Decision check(Identity identity, OAuthConfig oauth, Memberships.Resolved memberships) {
        String email = lower(identity.email());
        if (email == null || email.isEmpty()) {
            return Decision.refuse("The sign-in did not say which email address the account has.");
        }
        String provider = oauth.identity() == IdentityKind.OIDC ? "Your identity provider" : "Google";
        if (!identity.emailVerified()) {
            return Decision.refuse(provider + " has not verified the email address " + email
                    + ". Verify the address with it, then sign in again.");
        }
        if (oauth.allowedEmails().stream().anyMatch(allowed -> lower(allowed).equals(email))) {
            return Decision.admit(email + " is listed in oauth.allowed_emails");
        }
        List<String> memberPrincipals = oauth.allowedEmails().stream()
                .map(String::strip)
                .filter(p -> p.startsWith(Principals.GROUP) || p.startsWith(Principals.IAM))
                .toList();
        String held = Principals.matching(memberPrincipals, new Caller(email, memberships.memberships()), Map.of());
        if (held != null) {
            return Decision.admit(email + " holds " + held + ", listed in oauth.allowed_emails");
        }
        Decision byDomain = oauth.identity() == IdentityKind.OIDC
                ? byEmailDomain(email, oauth)
                : byHostedDomain(email, lower(identity.hostedDomain()), oauth);
        if (byDomain.admitted() || memberPrincipals.isEmpty()) {
            return byDomain;
        }
        return Decision.refuse(
                byDomain.reason() + " " + email + " also holds none of " + String.join(", ", memberPrincipals)
                        + (memberPrincipals.stream().anyMatch(p -> p.startsWith(Principals.IAM))
                                ? " (IAM roles on the Google Cloud project " + project(oauth) + ")"
                                : "")
                        + "." + problems(memberships));
    }

    /** A generic OIDC provider vouches for a verified email: its domain decides. */
    private static Decision byEmailDomain(String email, OAuthConfig oauth) {
        String emailDomain = email.substring(email.lastIndexOf('@') + 1);
        if (oauth.allowedDomains().stream().anyMatch(allowed -> lower(allowed).equals(emailDomain))) {
            return Decision.admit(emailDomain + " is listed in oauth.allowed_domains");
        }
        return Decision.refuse("Addresses of the domain " + emailDomain + " may not sign in here. An administrator can "
                + "add " + emailDomain + " to oauth.allowed_domains (or this address to oauth.allowed_emails).");
    }

    private static Decision byHostedDomain(String email, String hd, OAuthConfig oauth) {
        String emailDomain = email.substring(email.lastIndexOf('@') + 1);
        // Only the hosted domain (hd) proves that the domain's administrators manage the account: a personal
        // Google account can carry an address at any domain, so the email suffix alone never admits.
        if (hd == null || hd.isEmpty()) {
            return Decision.refuse("The account " + email + " is a personal Google account, not one managed by the "
                    + "Google Workspace domain " + emailDomain + ". Sign in with a Workspace account of an allowed "
                    + "domain, or ask an administrator to add this address to oauth.allowed_emails "
                    + "(adding " + emailDomain + " to oauth.allowed_domains admits only accounts managed by it).");
        }
        if (oauth.allowedDomains().stream().noneMatch(allowed -> lower(allowed).equals(hd))) {
            return Decision.refuse("Accounts of the domain " + hd + " may not sign in here. An administrator can add "
                    + hd + " to oauth.allowed_domains (or this address to oauth.allowed_emails).");
        }
        if (!emailDomain.equals(hd)) {
            return Decision.refuse("The address " + email + " is not in the domain " + hd + " that manages the account."
                    + " Sign in with an address of " + hd + ", or ask an administrator to add this address to "
                    + "oauth.allowed_emails.");
        }
        return Decision.admit(hd + " is listed in oauth.allowed_domains");
    }

    private static String project(OAuthConfig oauth) {
        return oauth.gcpProject() == null || oauth.gcpProject().isBlank()
                ? "(oauth.gcp_project is not set)"
                : oauth.gcpProject();
    }

    private static String problems(Memberships.Resolved memberships) {
        return memberships.problems().isEmpty()
                ? ""
                : " Some memberships could not be checked: " + String.join("; ", memberships.problems()) + ".";
    }

    private static String lower(String text) {
        return text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    }
}
