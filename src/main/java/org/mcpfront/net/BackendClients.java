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
    /**
     * An idle pooled connection is closed after this many seconds: below the 5 s after which Node
     * ({@code server.keepAliveTimeout}), uvicorn and hypercorn close theirs. A backend that closes an idle
     * connection while the pool lends it races the request written on it, which then fails: Vert.x retries
     * nothing, and mcp-front does not send it again (it may have reached the backend). Closing first, mcp-front
     * never writes on a connection the backend is closing; an expired connection is not lent, so nothing is
     * lost. A backend that says {@code Keep-Alive: timeout=n} is taken at its word by Vert.x (Node 20 says 5
     * and closes a second later).
     */
    public static final int KEEP_ALIVE_TIMEOUT_S = 4;
    /**
     * How often the pool ends the connections idle past their time: Vert.x lends an expired connection until
     * then, so an idle connection ends between 4 and 4.25 s, still before the backend's 5 s.
     */
    private static final int POOL_CLEANER_PERIOD_MS = 250;

    private BackendClients() {}

    public static HttpClient create(Vertx vertx) {
        return vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(KEEP_ALIVE_TIMEOUT_S)
                        .setConnectTimeout(CONNECT_TIMEOUT_MS)
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_HOST).setCleanerPeriod(POOL_CLEANER_PERIOD_MS));
    }
}
