package org.mcpfront.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a reload changes in the route table, as route paths. {@code added}, {@code changed} and
 * {@code unchanged} follow the order of the new config, {@code removed} that of the old one. A route is
 * changed when any of its settings differ (records compare by value).
 */
public record ConfigDiff(List<String> added, List<String> removed, List<String> changed, List<String> unchanged) {

    public ConfigDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
    }

    public static ConfigDiff between(FrontConfig before, FrontConfig after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (RouteConfig route : after.routes()) {
            Optional<RouteConfig> old = before.route(route.path());
            if (old.isEmpty()) {
                added.add(route.path());
            } else if (old.get().equals(route)) {
                unchanged.add(route.path());
            } else {
                changed.add(route.path());
            }
        }
        List<String> removed = before.routes().stream()
                .map(RouteConfig::path)
                .filter(path -> after.route(path).isEmpty())
                .toList();
        return new ConfigDiff(added, removed, changed, unchanged);
    }

    /** Whether any route appears, disappears or changes. */
    public boolean routesChanged() {
        return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty();
    }
}
