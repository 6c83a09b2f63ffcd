package org.mcpfront.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole mcp-front configuration, parsed and validated from the YAML file.
 * Immutable: a reload produces a new instance and code compares instances to see what changed.
 * {@code groups} is the top-level {@code groups:}: name → member emails and {@code @domain}s; {@code credentials}
 * the keys of users' service credentials.
 */
public record FrontConfig(
        OAuthConfig oauth,
        List<RouteConfig> routes,
        ServerConfig server,
        ClusterConfig cluster,
        ObservabilityConfig observability,
        Map<String, List<String>> groups,
        CredentialsConfig credentials) {

    /** A configuration without traces or groups. */
    public FrontConfig(OAuthConfig oauth, List<RouteConfig> routes, ServerConfig server, ClusterConfig cluster) {
        this(oauth, routes, server, cluster, ObservabilityConfig.OFF, Map.of(), CredentialsConfig.NONE);
    }

    public FrontConfig {
        Objects.requireNonNull(observability, "observability");
        Objects.requireNonNull(oauth, "oauth");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(cluster, "cluster");
        routes = List.copyOf(routes);
        groups = groups == null ? Map.of() : Map.copyOf(groups);
        credentials = credentials == null ? CredentialsConfig.NONE : credentials;
    }

    /** The route whose {@code path} is exactly {@code path}, if any. */
    public Optional<RouteConfig> route(String path) {
        return routes.stream().filter(r -> r.path().equals(path)).findFirst();
    }
}
