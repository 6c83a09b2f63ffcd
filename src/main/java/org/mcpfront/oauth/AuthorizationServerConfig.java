package org.mcpfront.oauth;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.net.AddressRange;

/**
 * The part of the configuration the authorization server uses: its own settings, the routes it issues
 * tokens for (a reload changes them), which proxies may name a client's address for the rate limits, and the
 * config's groups (the consent page lists only the routes a user may use).
 */
public record AuthorizationServerConfig(
        OAuthConfig oauth,
        List<RouteConfig> routes,
        List<AddressRange> trustedProxies,
        String trustedProxyHeader,
        Map<String, List<String>> groups) {

    public AuthorizationServerConfig {
        Objects.requireNonNull(oauth, "oauth");
        routes = List.copyOf(routes);
        trustedProxies = List.copyOf(trustedProxies);
        groups = Map.copyOf(groups);
    }

    public static AuthorizationServerConfig of(FrontConfig config) {
        return new AuthorizationServerConfig(
                config.oauth(),
                config.routes(),
                config.server().trustedProxies(),
                config.server().trustedProxyHeader(),
                config.groups());
    }

    /** The route whose path is exactly {@code path}, if any. */
    public Optional<RouteConfig> route(String path) {
        return routes.stream().filter(r -> r.path().equals(path)).findFirst();
    }
}
