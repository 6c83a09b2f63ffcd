package org.mcpfront.identity;

import org.mcpfront.config.OAuthConfig;

import java.util.Locale;

/**
 * Decides whether a signed-in identity may use mcp-front: a verified email, and either an address listed in
 * {@code oauth.allowed_emails} or a Google Workspace account of an allowed domain whose email is in that domain.
 */
public final class Admission {

    private Admission() {
    }

    /** The outcome; {@code reason} is fit to show the person who tried to sign in. */
    public record Decision(boolean admitted, String reason) {

        static Decision admit(String reason) {
            return new Decision(true, reason);
        }

        static Decision refuse(String reason) {
            return new Decision(false, reason);
        }
    }

    public static Decision check(Identity identity, OAuthConfig oauth) {
        String email = lower(identity.email());
        if (email == null || email.isEmpty()) {
            return Decision.refuse("The sign-in did not say which email address the account has.");
        }
        if (!identity.emailVerified()) {
            return Decision.refuse("Google has not verified the email address " + email
                    + ". Verify the address with Google, then sign in again.");
        }
        if (oauth.allowedEmails().stream().anyMatch(allowed -> lower(allowed).equals(email))) {
            return Decision.admit(email + " is listed in oauth.allowed_emails");
        }
        String emailDomain = email.substring(email.lastIndexOf('@') + 1);
        String hd = lower(identity.hostedDomain());
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

    private static String lower(String text) {
        return text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    }
}
