package org.mcpfront.edge;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.ServerConfig;
import org.mcpfront.oauth.AuthorizationServerConfig;

/**
 * The part of the configuration an edge uses: the listener and its limits, the routes it serves, and
 * the OAuth settings of the authorization server it mounts (issuer, admins), and the groups its access rules
 * name. Everything but the cluster and the observability settings (read once at start).
 */
public record EdgeConfig(
        ServerConfig server, List<RouteConfig> routes, OAuthConfig oauth, Map<String, List<String>> groups) {

    public EdgeConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(oauth, "oauth");
        routes = List.copyOf(routes);
        groups = Map.copyOf(groups);
    }

    public static EdgeConfig of(FrontConfig config) {
        return new EdgeConfig(config.server(), config.routes(), config.oauth(), config.groups());
    }

    /** The route whose path is exactly {@code path}, if any. */
    public Optional<RouteConfig> route(String path) {
        for (RouteConfig route : routes) { // every MCP request asks: a loop, not a stream
            if (route.path().equals(path)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    AuthorizationServerConfig authorizationServer() {
        return new AuthorizationServerConfig(
                oauth, routes, server.trustedProxies(), server.trustedProxyHeader(), groups);
    }
}
