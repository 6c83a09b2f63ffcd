package org.mcpfront.supervisor;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;

/**
 * The part of the configuration the supervisor uses: the routes (their limits, timeouts and
 * backends), the instance's session limit, and the {@code groups:} an aggregate session judges its
 * members' access rules with.
 */
public record SupervisorConfig(List<RouteConfig> routes, int maxSessions, Map<String, List<String>> groups) {

    public SupervisorConfig {
        routes = List.copyOf(routes);
        groups = Map.copyOf(groups);
    }

    public static SupervisorConfig of(FrontConfig config) {
        return new SupervisorConfig(config.routes(), config.server().maxSessions(), config.groups());
    }

    public Optional<RouteConfig> route(String path) {
        return routes.stream().filter(r -> r.path().equals(path)).findFirst();
    }

    /** Paths of this config's routes that {@code next} removes. */
    List<String> removedIn(SupervisorConfig next) {
        return routes.stream()
                .map(RouteConfig::path)
                .filter(path -> next.route(path).isEmpty())
                .toList();
    }

    /** Paths of this config's routes whose settings {@code next} changes. */
    List<String> changedIn(SupervisorConfig next) {
        return routes.stream()
                .filter(r -> next.route(r.path()).map(n -> !n.equals(r)).orElse(false))
                .map(RouteConfig::path)
                .toList();
    }
}
