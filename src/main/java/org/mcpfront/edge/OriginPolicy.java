package org.mcpfront.edge;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.oauth.Resources;

/**
 * Which browser origins may call the MCP endpoints (DNS-rebinding and cross-site protection, MCP
 * Streamable HTTP "servers MUST validate the Origin header"). Requests without an Origin come from
 * non-browser clients and pass; loopback origins pass so local tools such as MCP Inspector work.
 */
final class OriginPolicy {

    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");

    private OriginPolicy() {}

    static boolean allowed(String origin, EdgeConfig config) {
        if (origin == null) {
            return true;
        }
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        if (normalized.equals(normalize(config.oauth().issuer()))) {
            return true;
        }
        for (RouteConfig route : config.routes()) {
            if (route.host().isPresent()
                    && normalized.equals(normalize(Resources.hostOrigin(
                            config.oauth().issuer(), route.host().get())))) {
                return true;
            }
        }
        for (String allowedOrigin : config.server().allowedOrigins()) {
            if (normalized.equals(normalize(allowedOrigin))) {
                return true;
            }
        }
        return isLoopback(URI.create(normalized).getHost());
    }

    /**
     * DNS-rebinding protection for a gateway bound to loopback: a page on {@code evil.example} whose
     * name now resolves to 127.0.0.1 still sends {@code Host: evil.example}. Only loopback names and
     * the issuer's host and the routes' own hosts may reach it. A gateway on a public interface is protected by
     * OAuth instead.
     */
    static boolean hostAllowed(String hostHeader, EdgeConfig config) {
        if (!isLoopback(config.server().host())) {
            return true;
        }
        if (hostHeader == null) {
            return false;
        }
        String host = hostOnly(hostHeader);
        return isLoopback(host)
                || host.equals(URI.create(config.oauth().issuer()).getHost().toLowerCase(Locale.ROOT))
                || routeOnHost(hostHeader, config).isPresent();
    }

    /** The route whose own host ({@code routes[].host}) the Host header names, whatever its port. */
    static Optional<RouteConfig> routeOnHost(String hostHeader, EdgeConfig config) {
        if (hostHeader == null) {
            return Optional.empty();
        }
        String host = hostOnly(hostHeader);
        for (RouteConfig route : config.routes()) {
            if (route.host().isPresent() && route.host().get().equals(host)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /** The host part of a Host header value, without port, in lower case. */
    private static String hostOnly(String hostHeader) {
        String value = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** scheme://host[:port] in lower case with default ports dropped, or null if not an origin. */
    static String normalize(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort =
                    port < 0 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException notAnOrigin) {
            return null;
        }
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equals("127.0.0.1") || host.equals("localhost")) {
            return true; // the usual answer, asked twice a request: before the lower-casing and the pattern
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || h.endsWith(".localhost")
                || LOOPBACK_V4.matcher(h).matches()
                || h.equals("[::1]")
                || h.equals("::1");
    }
}
