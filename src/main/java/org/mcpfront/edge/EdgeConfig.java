package org.mcpfront.edge;

import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.ServerConfig;
import org.mcpfront.oauth.AuthorizationServerConfig;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The part of the configuration an edge uses: the listener and its limits, the routes it serves, and
 * the OAuth settings of the authorization server it mounts (issuer, admins). Everything but the cluster.
 */
public record EdgeConfig(ServerConfig server, List<RouteConfig> routes, OAuthConfig oauth) {

    public EdgeConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(oauth, "oauth");
        routes = List.copyOf(routes);
    }

    public static EdgeConfig of(FrontConfig config) {
        return new EdgeConfig(config.server(), config.routes(), config.oauth());
    }

    /** The route whose path is exactly {@code path}, if any. */
    Optional<RouteConfig> route(String path) {
        return routes.stream().filter(r -> r.path().equals(path)).findFirst();
    }

    AuthorizationServerConfig authorizationServer() {
        return new AuthorizationServerConfig(oauth, routes, server.trustedProxies(), server.trustedProxyHeader());
    }
}
