package org.mcpfront.identity;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who a list of principals names. A principal is one of:
 * <ul>
 *   <li>{@code alice@example.com}: that user;</li>
 *   <li>{@code @example.com}: every user whose (verified, admitted) email is in that domain;</li>
 *   <li>{@code group:<name>}: the members of group {@code name} listed under {@code groups:} in the config
 *       (emails and {@code @domain}s), and every user whose token carries {@code name} among its memberships
 *       (the identity provider's or Google Workspace's groups);</li>
 *   <li>{@code iam:<role>} (e.g. {@code iam:roles/viewer}): every user whose token carries that entry among its
 *       memberships, which sign-in fills from the IAM policy of {@code oauth.gcp_project}.</li>
 * </ul>
 * Emails, domains and group names are lower case, as the config writes them; IAM roles keep their case.
 */
public final class Principals {

    public static final String GROUP = "group:";
    public static final String IAM = "iam:";

    private static final Pattern DOMAIN =
            Pattern.compile("(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");
    /** Group names: what config authors and identity providers use (Workspace groups are email addresses). */
    private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9._@+-]{0,127}");
    /** {@code roles/x}, {@code projects/p/roles/x} or {@code organizations/o/roles/x}. */
    private static final Pattern ROLE =
            Pattern.compile("(?:(?:projects|organizations)/[A-Za-z0-9._-]+/)?roles/[A-Za-z0-9._]+");

    private Principals() {}

    /** Whether {@code email} is one of {@code principals} (emails and domains only: no groups, no memberships). */
    public static boolean includes(List<String> principals, String email) {
        return includes(principals, Caller.of(email), Map.of());
    }

    /**
     * Whether {@code principals} name {@code caller}, with {@code groups} the config's {@code groups:} (name →
     * emails and {@code @domain}s).
     */
    public static boolean includes(List<String> principals, Caller caller, Map<String, List<String>> groups) {
        return matching(principals, caller, groups) != null;
    }

    /** The first of {@code principals} that names {@code caller}, or null: what an audit line cites. */
    public static String matching(List<String> principals, Caller caller, Map<String, List<String>> groups) {
        if (caller.email().isEmpty()) {
            return null;
        }
        for (String principal : principals) {
            if (names(principal, caller, groups)) {
                return principal;
            }
        }
        return null;
    }

    private static boolean names(String principal, Caller caller, Map<String, List<String>> groups) {
        if (principal.startsWith(GROUP)) {
            String group = principal.substring(GROUP.length());
            if (caller.memberships().contains(group)) {
                return true;
            }
            List<String> members = groups.get(group);
            return members != null && members.stream().anyMatch(member -> direct(member, caller));
        }
        if (principal.startsWith(IAM)) {
            return caller.memberships().contains(principal);
        }
        return direct(principal, caller);
    }

    private static boolean direct(String principal, Caller caller) {
        return principal.equals(caller.email()) || principal.equals("@" + caller.domain());
    }

    /**
     * A principal as written in the config, checked and normalised (lower case except IAM roles).
     *
     * @param groups the names defined under {@code groups:}; a {@code group:} naming another one is refused
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static String parse(String value, Set<String> groups) {
        String principal = value.strip();
        if (principal.startsWith(IAM)) {
            String role = principal.substring(IAM.length());
            if (!ROLE.matcher(role).matches()) {
                throw new IllegalArgumentException(
                        "\"" + value + "\" is not an IAM role principal: write iam:roles/<role>"
                                + " (e.g. iam:roles/viewer) or iam:projects/<project>/roles/<custom role>");
            }
            return principal;
        }
        principal = principal.toLowerCase(Locale.ROOT);
        if (principal.startsWith(GROUP)) {
            String group = principal.substring(GROUP.length());
            if (!GROUP_NAME.matcher(group).matches()) {
                throw new IllegalArgumentException("\"" + value + "\" is not a group principal: write group:<name> with"
                        + " letters, digits and . _ @ + -");
            }
            if (!groups.contains(group)) {
                throw new IllegalArgumentException("\"" + value + "\" names the unknown group " + group + "; define it"
                        + " under groups: (with an empty list when its members come only from the identity provider)"
                        + (groups.isEmpty()
                                ? ""
                                : "; defined: "
                                        + String.join(
                                                ", ", groups.stream().sorted().toList())));
            }
            return principal;
        }
        return member(value);
    }

    /**
     * A member of a config group: an email address or {@code @domain}, lower case.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static String member(String value) {
        String principal = value.strip().toLowerCase(Locale.ROOT);
        if (principal.startsWith("@")) {
            if (!DOMAIN.matcher(principal.substring(1)).matches()) {
                throw new IllegalArgumentException("\"" + value + "\" is not @ and a domain name, e.g. @example.com");
            }
            return principal;
        }
        int at = principal.indexOf('@');
        if (principal.startsWith(GROUP) || principal.startsWith(IAM)) {
            throw new IllegalArgumentException("\"" + value + "\": a group lists email addresses and @domains, not"
                    + " other groups or IAM roles");
        }
        if (at <= 0
                || at != principal.lastIndexOf('@')
                || principal.chars().anyMatch(Character::isWhitespace)
                || !DOMAIN.matcher(principal.substring(at + 1)).matches()) {
            throw new IllegalArgumentException("\"" + value + "\" is not an email address, @domain, group:<name> or "
                    + "iam:<role>, e.g. alice@example.com, @example.com, group:admins, iam:roles/viewer");
        }
        return principal;
    }
}
