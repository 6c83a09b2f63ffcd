package org.mcpfront.identity;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Who a list of principals names: an email address ({@code alice@example.com}) names that user, and
 * {@code @example.com} every user whose (verified, admitted) email is in that domain. {@code group:<name>} and
 * {@code iam:<role>} name the users whose memberships ({@link Memberships}, the token's {@code groups}) hold that
 * group or {@code iam:<role>}.
 */
public final class Principals {

    public static final String GROUP_PREFIX = "group:";
    public static final String IAM_PREFIX = Memberships.IAM_PREFIX;

    private Principals() {
    }

    /** Whether {@code email} is one of {@code principals}; principals are lower case, as the config writes them. */
    public static boolean includes(List<String> principals, String email) {
        if (email == null || email.isBlank()) {
            return false;
        }
        String address = email.strip().toLowerCase(Locale.ROOT);
        String domain = address.substring(address.lastIndexOf('@') + 1);
        return principals.stream().anyMatch(p -> p.equals(address) || p.equals("@" + domain));
    }

    /**
     * Whether memberships hold a {@code group:} or {@code iam:} principal: {@code iam:roles/x} is held as itself,
     * {@code group:eng@example.com} or {@code group:finance} by the membership {@code eng@example.com} or
     * {@code finance}. Compared without regard to case.
     */
    public static boolean heldBy(String principal, Collection<String> memberships) {
        String wanted = principal.toLowerCase(Locale.ROOT);
        if (wanted.startsWith(GROUP_PREFIX)) {
            String group = wanted.substring(GROUP_PREFIX.length());
            return memberships.stream().anyMatch(m -> m.toLowerCase(Locale.ROOT).equals(group));
        }
        if (wanted.startsWith(IAM_PREFIX)) {
            return memberships.stream().anyMatch(m -> m.toLowerCase(Locale.ROOT).equals(wanted));
        }
        return false;
    }
}
