package org.mcpfront.identity;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A verified user as access rules see them: the email of the access token and the memberships it carries
 * (its {@code groups} claim: group names from the identity provider or Google Workspace, and
 * {@code iam:<role>} for IAM roles held on {@code oauth.gcp_project}). Group names compare without case;
 * IAM roles exactly, as IAM spells them.
 */
public record Caller(String email, Set<String> memberships) {

    public Caller {
        email = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        memberships = memberships == null
                ? Set.of()
                : memberships.stream()
                        .map(m -> m.startsWith(Principals.IAM) ? m : m.toLowerCase(Locale.ROOT))
                        .collect(Collectors.toUnmodifiableSet());
    }

    /** A caller known only by email (no memberships). */
    public static Caller of(String email) {
        return new Caller(email, Set.of());
    }

    /** The part of the email after {@code @}, or empty. */
    public String domain() {
        int at = email.lastIndexOf('@');
        return at < 0 ? "" : email.substring(at + 1);
    }
}
