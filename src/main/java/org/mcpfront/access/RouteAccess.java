package org.mcpfront.access;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mcpfront.config.RateLimit;
import org.mcpfront.identity.Caller;
import org.mcpfront.identity.Principals;

/**
 * A route's {@code access:} block: who may use the route ({@code users}; absent: everyone
 * {@code oauth.allowed_*} admits), the ordered allow/deny rules for its tools, prompts and resources, and
 * how many requests a minute (or any window) one user may send it.
 */
public record RouteAccess(
        Optional<List<String>> users, Map<Kind, List<Rule>> rules, Optional<RateLimit> userRateLimit) {

    /** No {@code access:} block: everyone admitted, everything visible, no per-user rate. */
    public static final RouteAccess OPEN = new RouteAccess(Optional.empty(), Map.of(), Optional.empty());

    public RouteAccess {
        users = users.map(List::copyOf);
        EnumMap<Kind, List<Rule>> copy = new EnumMap<>(Kind.class);
        rules.forEach((kind, list) -> {
            if (!list.isEmpty()) {
                copy.put(kind, List.copyOf(list));
            }
        });
        rules = Map.copyOf(copy);
    }

    /** Whether {@code caller} may use the route at all, and why. */
    public Decision admits(Caller caller, Map<String, List<String>> groups) {
        if (users.isEmpty()) {
            return Decision.ALLOWED_BY_DEFAULT;
        }
        String principal = Principals.matching(users.get(), caller, groups);
        return principal != null
                ? new Decision(true, "access.users " + principal)
                : new Decision(false, "access.users");
    }

    /** The rules as they apply to {@code caller}: what the edge hands with each request to the session. */
    public Visibility visibilityFor(Caller caller, Map<String, List<String>> groups) {
        return Visibility.of(this, caller, groups);
    }

    /** Whether any rule limits what some caller sees. */
    public boolean hasRules() {
        return !rules.isEmpty();
    }
}
