package org.mcpfront.oauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.config.RouteConfig;

/**
 * The protected resources mcp-front serves, by URL (RFC 8707 / RFC 9728): the issuer itself, meaning
 * every route, and each route's endpoints {@code <issuer>/<route>/mcp} and {@code <issuer>/<route>/sse}.
 * A token whose audience names any URL of a route is good for the whole route (its message endpoint
 * included); one issued without a {@code resource} is good for every route.
 *
 * <p>A route with its own host ({@code routes[].host}) is also the resource {@code <scheme>://<host>[:port]/mcp}
 * (and {@code /sse}), with the issuer's scheme and port. That is a resource of its own: a token for it is good on
 * that host only, and tokens for the issuer or the route's path URLs are not good there (nor the other way round).
 */
public final class Resources {

    private static final String PRM_PATH = ReservedPaths.PROTECTED_RESOURCE_METADATA;
    /** The one scope mcp-front grants: use of the MCP routes the token's audience names. */
    public static final String SCOPE = "mcp";

    private Resources() {}

    /** The URL clients connect to for {@code route}'s {@code endpoint} ({@code mcp} or {@code sse}). */
    public static String resourceUrl(String issuer, String routePath, String endpoint) {
        return issuer + routePath + "/" + endpoint;
    }

    /** The RFC 9728 metadata URL for that resource: the well-known path inserted before the resource's path. */
    public static String metadataUrl(String issuer, String routePath, String endpoint) {
        return issuer + PRM_PATH + routePath + "/" + endpoint;
    }

    /** The origin of a route's own host: the issuer's scheme and port with {@code host}. */
    public static String hostOrigin(String issuer, String host) {
        URI uri = URI.create(issuer);
        return uri.getScheme() + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** The URL clients connect to for {@code endpoint} ({@code mcp} or {@code sse}) on a route's own host. */
    public static String hostResourceUrl(String issuer, String host, String endpoint) {
        return hostOrigin(issuer, host) + "/" + endpoint;
    }

    /** The RFC 9728 metadata URL for that resource, on the route's host. */
    public static String hostMetadataUrl(String issuer, String host, String endpoint) {
        return hostOrigin(issuer, host) + PRM_PATH + "/" + endpoint;
    }

    /**
     * RFC 8707 §2 canonical form: lower-case scheme and host, default port dropped, no fragment, no
     * trailing slash. Empty when {@code uri} is not an absolute http(s) URI without a fragment.
     */
    public static Optional<String> canonical(String uri) {
        try {
            URI parsed = new URI(uri);
            if (parsed.getScheme() == null
                    || parsed.getHost() == null
                    || parsed.getRawFragment() != null
                    || parsed.getRawUserInfo() != null) {
                return Optional.empty();
            }
            String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return Optional.empty();
            }
            int port = parsed.getPort();
            boolean defaultPort =
                    port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String query = parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery();
            return Optional.of(scheme + "://" + parsed.getHost().toLowerCase(Locale.ROOT)
                    + (defaultPort ? "" : ":" + port) + path + query);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * What a requested resource names: empty Optional when it is not ours; the route's path for a
     * route's URL; {@code ""} for the issuer itself (every route).
     */
    public static Optional<String> target(String resource, AuthorizationServerConfig config) {
        Optional<String> canonical = canonical(resource);
        Optional<String> issuer = canonical(config.oauth().issuer());
        if (canonical.isEmpty() || issuer.isEmpty()) {
            return Optional.empty();
        }
        String value = canonical.get();
        if (value.equals(issuer.get())) {
            return Optional.of("");
        }
        for (RouteConfig route : config.routes()) {
            if (namesRoute(value, issuer.get() + route.path())) {
                return Optional.of(route.path());
            }
            if (route.host().isPresent()
                    && namesRoute(
                            value,
                            canonicalHostOrigin(issuer.get(), route.host().get()))) {
                return Optional.of(route.path());
            }
        }
        return Optional.empty();
    }

    /** Whether the canonical {@code value} is a route's base URL or one of its endpoints' URLs. */
    private static boolean namesRoute(String value, String base) {
        return value.equals(base) || value.equals(base + "/mcp") || value.equals(base + "/sse");
    }

    private static String canonicalHostOrigin(String canonicalIssuer, String host) {
        return canonical(hostOrigin(canonicalIssuer, host)).orElseThrow();
    }

    /**
     * True when a token with audience {@code audience} may be used on the route whose own host is {@code host}
     * (reached through that host): only an audience naming that host's URLs does.
     */
    public static boolean allowsOnHost(List<String> audience, String canonicalIssuer, String host) {
        if (audience == null) {
            return false;
        }
        String base = canonicalHostOrigin(canonicalIssuer, host);
        return audience.stream().anyMatch(aud -> namesRoute(aud, base));
    }

    /**
     * True when a token with audience {@code audience} may be used on {@code routePath};
     * {@code canonicalIssuer} is {@link #canonical} of the issuer (callers compute it once).
     */
    public static boolean allows(List<String> audience, String canonicalIssuer, String routePath) {
        if (audience == null) {
            return false;
        }
        String base = canonicalIssuer + routePath;
        for (String aud : audience) {
            if (aud.equals(canonicalIssuer) || namesRoute(aud, base)) {
                return true;
            }
        }
        return false;
    }
}
