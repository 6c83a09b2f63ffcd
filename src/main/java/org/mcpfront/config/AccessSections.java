package org.mcpfront.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.mcpfront.access.Glob;
import org.mcpfront.access.Kind;
import org.mcpfront.access.RouteAccess;
import org.mcpfront.access.Rule;
import org.mcpfront.identity.Principals;

/**
 * Reads the top-level {@code groups:} and a route's {@code access:} block (see {@link RouteAccess}): principals,
 * globs and rules are checked here, so a typo in a group name or a pattern stops the file with its key path
 * instead of silently hiding or showing a tool.
 */
final class AccessSections {

    private static final List<String> ACCESS_KEYS = List.of("users", "tools", "prompts", "resources", "rate_limit");
    private static final List<String> RULE_KEYS = List.of("allow", "deny", "users", "except");
    private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9._@+-]{0,127}");
    private static final String GROUPS_EXAMPLE =
            "{ admins: [\"alice@example.com\"], finance: [\"@finance.example.com\"] }";
    private static final String MEMBERS_EXAMPLE = "[\"alice@example.com\", \"@example.com\"]";
    private static final String PRINCIPALS_EXAMPLE = "[\"group:finance\", \"alice@example.com\", \"@example.com\"]";
    private static final String RULE_EXAMPLE = "{ deny: [\"delete_*\"], except: [\"group:admins\"] }";

    private AccessSections() {}

    /** {@code groups:}: name (lower case) → emails and {@code @domain}s; {@code []} for identity-provider groups. */
    static Map<String, List<String>> groups(Section root) {
        Optional<Section> section = root.section("groups");
        if (section.isEmpty()) {
            return Map.of();
        }
        Section groups = section.get();
        Map<String, List<String>> parsed = new LinkedHashMap<>();
        for (String name : groups.names()) {
            String group = name.toLowerCase(Locale.ROOT);
            if (!GROUP_NAME.matcher(group).matches()) {
                groups.problem(name, "is not a group name: use letters, digits and . _ @ + - (e.g. finance)");
                continue;
            }
            if (parsed.containsKey(group)) {
                groups.problem(name, "is defined twice (group names do not depend on case)");
                continue;
            }
            if (!groups.has(name)) {
                parsed.put(group, List.of());
                continue;
            }
            groups.list(name, MEMBERS_EXAMPLE, Principals::member)
                    .ifPresent(members -> parsed.put(group, List.copyOf(members)));
        }
        return Map.copyOf(parsed);
    }

    /**
     * A list of principals ({@code oauth.admins}, {@code access.users}, a rule's {@code users} and {@code except}).
     */
    static Optional<List<String>> principals(Section s, String key, Set<String> groups) {
        return s.list(key, PRINCIPALS_EXAMPLE, value -> Principals.parse(value, groups));
    }

    /** A route's {@code access:}; {@link RouteAccess#OPEN} when absent. */
    static RouteAccess access(Section route, Set<String> groups, Function<String, RateLimit> rateLimit) {
        Optional<Section> section = route.section("access");
        if (section.isEmpty()) {
            return RouteAccess.OPEN;
        }
        Section access = section.get();
        access.allowOnly(ACCESS_KEYS);
        Optional<List<String>> users = principals(access, "users", groups);
        if (users.isPresent() && users.get().isEmpty()) {
            access.problem(
                    "users",
                    "is empty, so nobody could use the route; leave it out to admit everyone "
                            + "oauth.allowed_* admits, or remove the route");
        }
        Map<Kind, List<Rule>> rules = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            List<Rule> list = new ArrayList<>();
            List<Section> items = access.sections(kind.key, RULE_EXAMPLE);
            for (int i = 0; i < items.size(); i++) {
                rule(items.get(i), "access." + kind.key + "[" + i + "]", groups).ifPresent(list::add);
            }
            rules.put(kind, list);
        }
        return new RouteAccess(users, rules, access.value("rate_limit", rateLimit));
    }

    private static Optional<Rule> rule(Section item, String where, Set<String> groups) {
        item.allowOnly(RULE_KEYS);
        boolean allow = item.has("allow");
        if (allow == item.has("deny")) {
            item.problem(
                    allow ? "deny" : "allow",
                    allow
                            ? "a rule either allows or denies: write allow: or deny:, not both"
                            : "is missing: a rule needs allow: [names] or deny: [names], e.g. " + RULE_EXAMPLE);
            return Optional.empty();
        }
        String key = allow ? "allow" : "deny";
        Optional<List<Glob>> names = item.list(key, "[\"delete_*\", \"drop_table\"]", Glob::parse);
        if (names.isPresent() && names.get().isEmpty()) {
            item.problem(key, "is empty: list the names it speaks of, or \"*\" for all");
        }
        Optional<List<String>> users = principals(item, "users", groups);
        Optional<List<String>> except = principals(item, "except", groups);
        if (names.isEmpty() || names.get().isEmpty() || !item.clean("users") || !item.clean("except")) {
            return Optional.empty();
        }
        return Optional.of(new Rule(where, allow, names.get(), users.orElse(List.of()), except.orElse(List.of())));
    }
}
