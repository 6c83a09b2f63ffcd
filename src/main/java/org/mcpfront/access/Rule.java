package org.mcpfront.access;

import java.util.List;
import java.util.Map;
import org.mcpfront.identity.Caller;
import org.mcpfront.identity.Principals;

/**
 * One entry of a route's {@code access.tools} (or {@code prompts}, {@code resources}): allow or deny the names
 * matching {@code names}, to the callers {@code users} names (everyone when empty), except those {@code except}
 * names. Rules are read in order and the first that applies to the caller and matches the name decides.
 *
 * @param where where the rule sits in the config ({@code access.tools[0]}), for audit lines
 */
public record Rule(String where, boolean allow, List<Glob> names, List<String> users, List<String> except) {

    public Rule {
        names = List.copyOf(names);
        users = List.copyOf(users);
        except = List.copyOf(except);
    }

    /** Whether this rule speaks about {@code caller}. */
    boolean appliesTo(Caller caller, Map<String, List<String>> groups) {
        return (users.isEmpty() || Principals.includes(users, caller, groups))
                && !Principals.includes(except, caller, groups);
    }

    boolean matches(String name) {
        return names.stream().anyMatch(glob -> glob.matches(name));
    }

    /** How audit lines and errors name it: {@code access.tools[0] deny [delete_*]}. */
    String describe() {
        return where + (allow ? " allow " : " deny ") + names;
    }
}
