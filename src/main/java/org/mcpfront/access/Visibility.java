package org.mcpfront.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.mcpfront.identity.Caller;

/**
 * A route's tool, prompt and resource rules reduced to the ones that apply to one caller, in their order:
 * small, free of principals and group lists, and sent with each request to the session that answers it (on
 * any instance of a cluster), which filters list answers with it. Computed by the edge from the configuration
 * in force, so an edited rule applies to the next request of every live session.
 */
public final class Visibility {

    /** Nothing hidden. */
    public static final Visibility ALL = new Visibility(Map.of());

    private final Map<Kind, List<Rule>> rules;

    private Visibility(Map<Kind, List<Rule>> rules) {
        this.rules = rules;
    }

    static Visibility of(RouteAccess access, Caller caller, Map<String, List<String>> groups) {
        if (!access.hasRules()) {
            return ALL;
        }
        Map<Kind, List<Rule>> applying = new EnumMap<>(Kind.class);
        access.rules().forEach((kind, list) -> {
            // Principals are resolved now, so the session needs to know nothing about the caller.
            List<Rule> mine = list.stream()
                    .filter(rule -> rule.appliesTo(caller, groups))
                    .map(rule -> new Rule(rule.where(), rule.allow(), rule.names(), List.of(), List.of()))
                    .toList();
            if (!mine.isEmpty()) {
                applying.put(kind, mine);
            }
        });
        return applying.isEmpty() ? ALL : new Visibility(Map.copyOf(applying));
    }

    /** Whether the caller may see and use the {@code kind} named {@code name}, and which rule says so. */
    public Decision decide(Kind kind, String name) {
        for (Rule rule : rules.getOrDefault(kind, List.of())) {
            if (rule.matches(name)) {
                return new Decision(rule.allow(), rule.describe());
            }
        }
        return Decision.ALLOWED_BY_DEFAULT;
    }

    /** Whether some rule may hide something of {@code kind}. */
    public boolean restricts(Kind kind) {
        return rules.containsKey(kind);
    }

    public boolean hidesNothing() {
        return rules.isEmpty();
    }

    /** For the cluster's wire: {@code {"tools":[{"where":..,"allow":..,"names":[..]}],..}}. */
    public String encode() {
        JsonObject json = new JsonObject();
        rules.forEach((kind, list) -> {
            JsonArray array = new JsonArray();
            for (Rule rule : list) {
                array.add(new JsonObject()
                        .put("where", rule.where())
                        .put("allow", rule.allow())
                        .put(
                                "names",
                                new JsonArray(rule.names().stream()
                                        .map(Glob::toString)
                                        .toList())));
            }
            json.put(kind.key, array);
        });
        return json.encode();
    }

    /** What {@link #encode} wrote (another member of the cluster parsed these patterns already). */
    public static Visibility decode(String encoded) {
        JsonObject json = new JsonObject(encoded);
        Map<Kind, List<Rule>> rules = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            JsonArray array = json.getJsonArray(kind.key);
            if (array == null) {
                continue;
            }
            List<Rule> list = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                JsonObject rule = array.getJsonObject(i);
                List<Glob> names = rule.getJsonArray("names").stream()
                        .map(n -> Glob.parse((String) n))
                        .toList();
                list.add(new Rule(rule.getString("where"), rule.getBoolean("allow"), names, List.of(), List.of()));
            }
            rules.put(kind, List.copyOf(list));
        }
        return rules.isEmpty() ? ALL : new Visibility(Map.copyOf(rules));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Visibility visibility && visibility.rules.equals(rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }

    @Override
    public String toString() {
        return "Visibility" + rules;
    }
}
