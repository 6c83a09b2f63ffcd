package org.mcpfront.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole mcp-front configuration, parsed and validated from the YAML file.
 * Immutable: a reload produces a new instance and code compares instances to see what changed.
 */
public record FrontConfig(OAuthConfig oauth, List<RouteConfig> routes, ServerConfig server, ClusterConfig cluster,
                          ObservabilityConfig observability) {

    /** A configuration without traces. */
    public FrontConfig(OAuthConfig oauth, List<RouteConfig> routes, ServerConfig server, ClusterConfig cluster) {
        this(oauth, routes, server, cluster, ObservabilityConfig.OFF);
    }

    public FrontConfig {
        Objects.requireNonNull(observability, "observability");
        Objects.requireNonNull(oauth, "oauth");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(cluster, "cluster");
        routes = List.copyOf(routes);
    }

    /** The route whose {@code path} is exactly {@code path}, if any. */
    public Optional<RouteConfig> route(String path) {
        return routes.stream().filter(r -> r.path().equals(path)).findFirst();
    }
}
