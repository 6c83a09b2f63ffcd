package org.mcpfront.net;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The HTTP client mcp-front talks to MCP backends with: the sessions' backends, the edge's 2026-07-28
 * proxy and the probes of what a backend speaks. One pool per backend host: long-lived SSE streams hold
 * connections, so the pool is sized for many sessions.
 */
public final class BackendClients {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int MAX_CONNECTIONS_PER_HOST = 2_000;

    private BackendClients() {}

    public static HttpClient create(Vertx vertx) {
        return vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout(CONNECT_TIMEOUT_MS)
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_HOST));
    }
}
