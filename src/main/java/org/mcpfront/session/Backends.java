package org.mcpfront.session;

import io.vertx.core.Vertx;
import org.mcpfront.config.RouteConfig;

import java.util.function.Function;

/** Picks the backend implementation a route needs. */
public final class Backends {

    private Backends() {
    }

    /** The backend factory for one session of {@code route}. */
    public static Function<BackendListener, Backend> forRoute(Vertx vertx, BackendHttp http, RouteConfig route, String sessionId) {
        return switch (route.type()) {
            case HTTP -> switch (route.transport().orElse(RouteConfig.BackendTransport.STREAMABLE)) {
                case STREAMABLE -> listener -> new StreamableHttpBackend(vertx, http, route, sessionId, listener);
                case SSE -> listener -> new SseBackend(vertx, http, route, sessionId, listener);
            };
            case STDIO -> listener -> new StdioBackend(vertx, route, sessionId, listener, System.getenv());
        };
    }
}
