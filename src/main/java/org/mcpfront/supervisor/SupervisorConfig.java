package org.mcpfront.supervisor;

import java.util.List;
import java.util.Optional;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;

/**
 * The part of the configuration the supervisor uses: the routes (their limits, timeouts and
 * backends) and the instance's session limit.
 */
public record SupervisorConfig(List<RouteConfig> routes, int maxSessions) {

    public SupervisorConfig {
        routes = List.copyOf(routes);
    }

    public static SupervisorConfig of(FrontConfig config) {
        return new SupervisorConfig(config.routes(), config.server().maxSessions());
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
