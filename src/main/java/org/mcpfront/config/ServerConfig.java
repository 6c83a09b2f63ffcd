package org.mcpfront.config;

import java.time.Duration;
import java.util.List;

/** The {@code server:} section: where the HTTP edge listens and its request limits. */
public record ServerConfig(
        String host,
        int port,
        String healthPath,
        long maxBodyBytes,
        Duration sseKeepAlive,
        List<String> allowedOrigins,
        int maxSessions,
        Duration slowClientTimeout) {

    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
