package org.mcpfront.session;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Function;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.RouteConfig.BackendProtocol;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.RequestStates;

/**
 * Picks the backend a session needs: the transport of the route, and a bridge where the client and
 * the backend speak different eras of MCP.
 */
public final class Backends {

    private Backends() {}

    /**
     * The backend factory for one session.
     *
     * @param httpEra what an HTTP route's backend speaks (probed or pinned); ignored for stdio routes,
     *                whose processes tell at {@code initialize}
     */
    public static Function<BackendListener, Backend> forSession(
            Vertx vertx, BackendHttp http, SessionSpec spec, Era httpEra, RequestStates states) {
        return forSession(vertx, http, spec, httpEra, states, null);
    }

    /**
     * The same, for a stdio route that keeps processes warm: the session takes one of {@code pool}'s
     * processes if one is ready.
     */
    public static Function<BackendListener, Backend> forSession(
            Vertx vertx, BackendHttp http, SessionSpec spec, Era httpEra, RequestStates states, StdioPool pool) {
        RouteConfig route = spec.route();
        String id = spec.id();
        Function<BackendListener, Backend> transport = raw(
                vertx,
                http.forCaller(route, spec.owner()),
                route,
                id,
                httpEra,
                BackendIdentity.environment(route, spec.owner()),
                pool);
        boolean stdio = route.type() == RouteConfig.RouteType.STDIO;
        Era stdioEra = route.protocol() == BackendProtocol.V2026 ? Era.MODERN : Era.LEGACY;
        if (spec.clientTransport() == ClientTransport.MODERN) {
            Era era = stdio ? stdioEra : httpEra;
            boolean mayBeModern = stdio && route.protocol() == BackendProtocol.AUTO;
            return listener -> new ModernClientBridge(
                    vertx, route, id, spec.owner().subject(), listener, states, transport, era, mayBeModern);
        }
        if (stdio) {
            return switch (route.protocol()) {
                case V2025 -> transport;
                case V2026 -> listener -> new LegacyClientBridge(vertx, route, id, listener, transport, false);
                case AUTO -> listener -> new LegacyClientBridge(vertx, route, id, listener, transport, true);
            };
        }
        return httpEra == Era.MODERN
                ? listener -> new LegacyClientBridge(vertx, route, id, listener, transport, false)
                : transport;
    }

    /**
     * A backend that speaks 2025 for mcp-front and is no transport of this package (an aggregate route's), as
     * a session needs it: bridged for a 2026-07-28 client like any 2025 backend.
     */
    public static Function<BackendListener, Backend> around(
            Vertx vertx, SessionSpec spec, Function<BackendListener, Backend> legacy, RequestStates states) {
        if (spec.clientTransport() != ClientTransport.MODERN) {
            return legacy;
        }
        return listener -> new ModernClientBridge(
                vertx, spec.route(), spec.id(), spec.owner().subject(), listener, states, legacy, Era.LEGACY, false);
    }

    /** The bare transport of an HTTP route's backend, with no session around it: for health probes. */
    public static Function<BackendListener, Backend> forProbe(
            Vertx vertx, BackendHttp http, RouteConfig route, String id, Era era) {
        return raw(vertx, http.forProbe(route), route, id, era, Map.of(), null);
    }

    private static Function<BackendListener, Backend> raw(
            Vertx vertx,
            BackendHttp http,
            RouteConfig route,
            String id,
            Era httpEra,
            Map<String, String> callerEnvironment,
            StdioPool pool) {
        return switch (route.type()) {
            case HTTP ->
                httpEra == Era.MODERN
                        ? listener -> new StatelessHttpBackend(http, route, id, listener)
                        : switch (route.http().orElseThrow().transport()) {
                            case STREAMABLE -> listener -> new StreamableHttpBackend(vertx, http, route, id, listener);
                            case SSE -> listener -> new SseBackend(vertx, http, route, id, listener);
                        };
            case STDIO ->
                listener -> new StdioBackend(
                        vertx,
                        route,
                        id,
                        listener,
                        System.getenv(),
                        callerEnvironment,
                        http::credentialEnvironment,
                        route.stdio().orElseThrow().onProcessLoss() == RouteConfig.OnProcessLoss.RESTART,
                        pool);
            case AGGREGATE ->
                throw new IllegalArgumentException(
                        "route " + route.path() + " is an aggregate: its sessions get an aggregate backend");
        };
    }
}
