package org.mcpfront.config;

import java.time.Duration;
import java.util.List;
import org.mcpfront.net.AddressRange;

/**
 * The {@code server:} section: where the HTTP edge listens and its request limits.
 *
 * @param idleTimeout a connection with no byte either way this long is closed, and so is a kept-alive
 *                    one whose next request head does not arrive this long after its last response
 * @param readTimeout a new connection's first request head, and each request's body, must arrive
 *                    within this (slowly trickled headers and bodies hold a connection no longer)
 * @param trustedProxies     peers (load balancers, reverse proxies) whose {@code trustedProxyHeader} names
 *                           the client's address; from anyone else the header is ignored
 * @param trustedProxyHeader the header those proxies append the client's address to, X-Forwarded-For style
 * @param streamMaxDuration  a Streamable HTTP SSE stream (a POST's, the GET's) open this long is closed by mcp-front
 *                           with a {@code retry:} field, and its client resumes it with {@code Last-Event-ID};
 *                           zero (the default): never
 */
public record ServerConfig(
        String host,
        int port,
        String healthPath,
        long maxBodyBytes,
        Duration sseKeepAlive,
        List<String> allowedOrigins,
        int maxSessions,
        Duration slowClientTimeout,
        Duration idleTimeout,
        Duration readTimeout,
        List<AddressRange> trustedProxies,
        String trustedProxyHeader,
        Duration streamMaxDuration) {

    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
    }
}
