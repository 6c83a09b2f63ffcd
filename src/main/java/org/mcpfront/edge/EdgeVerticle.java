package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.mcpfront.bus.Addresses;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.credentials.ConnectionsPage;
import org.mcpfront.credentials.UserCredentials;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.limits.RateLimiter;
import org.mcpfront.net.BackendClients;
import org.mcpfront.oauth.AuthorizationServer;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.storage.Store;
import org.mcpfront.transport.JsonRpcErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: one instance per event loop, all sharing the listening port. Routes requests by path
 * to the MCP transports of the configured routes (each request's bearer token checked first), serves the
 * OAuth authorization server, health, readiness and metrics. The route
 * table follows {@code config.changed}, so added and removed routes apply without a restart.
 */
public final class EdgeVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(EdgeVerticle.class);
    /**
     * A route path: one or more safe segments, as the config allows them; the group is named {@code route}. Written
     * as a run of safe characters and slashes with no empty segment ({@code //}) rather than as a repeated group
     * {@code (?:/[...]+)+}: the same paths, without the repeated group's backtracking, which cost about a twentieth
     * of the CPU of a proxied call (every MCP request is matched against several of these).
     */
    private static final String ROUTE_PATH = "^(?!.*//)(?<route>/[A-Za-z0-9._/-]*[A-Za-z0-9._-])";
    /** On a route's own host ({@code routes[].host}) its endpoints are at the root. */
    private static final String HOST_ROOT = "^";

    static final String ROUTE = "mcp-front.route";
    /** Set (to the host name) when the request came in on the route's own host rather than its path. */
    static final String VIA_HOST = "mcp-front.via-host";

    private final Handler<RoutingContext> metrics;
    private final Health health;
    private final AuthorizationServer.Shared oauth;
    private final Protocols protocols;
    private EdgeConfig config;
    private HttpClient backendClient;
    private HttpServer server;
    private ClientStreams streams;
    private SessionClient sessions;
    private AuthorizationServer authorizationServer;
    private ReadDeadlines deadlines;

    /**
     * What the edges share for MCP 2026-07-28: what each backend speaks, the seal of the request states
     * mcp-front hands out, the store that finds a user's bridged session in a cluster, metrics, and users' own
     * service credentials (null without {@code credentials.keys}).
     */
    public record Protocols(
            BackendEras eras,
            RequestStates states,
            Store store,
            GatewayMetrics metrics,
            BackendIdentity backendIdentity,
            UserCredentials credentials) {}

    public EdgeVerticle(
            EdgeConfig config,
            Handler<RoutingContext> metrics,
            Health health,
            AuthorizationServer.Shared oauth,
            Protocols protocols) {
        this.config = config;
        this.metrics = metrics;
        this.health = health;
        this.oauth = oauth;
        this.protocols = protocols;
    }

    @Override
    public Future<?> start() {
        streams = new ClientStreams(vertx);
        sessions = new SessionClient(vertx);
        backendClient = BackendClients.create(vertx);
        StreamableHttpEndpoint.Modern modern = new StreamableHttpEndpoint.Modern(
                protocols.eras(),
                new ModernProxy(
                        vertx,
                        backendClient,
                        protocols.eras(),
                        protocols.metrics(),
                        () -> config.server(),
                        protocols.backendIdentity()),
                new Bridges(protocols.store(), sessions),
                protocols.states());
        StreamableHttpEndpoint streamable =
                new StreamableHttpEndpoint(vertx, streams, sessions, () -> config.server(), modern);
        SseEndpoint sse = new SseEndpoint(vertx, streams, sessions, () -> config.server());
        BearerCheck bearer = new BearerCheck(oauth.accessTokens(), () -> config);
        AccessGate gate = new AccessGate(
                () -> config, new RateLimiter(protocols.store(), Clock.systemUTC()), protocols.metrics());

        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            ctx.next();
        });
        router.get(config.server().healthPath()).handler(health.liveness(vertx));
        router.get(ReservedPaths.READY)
                .handler(health.readiness(vertx, new AdminCheck(oauth.accessTokens(), () -> config)));
        router.get(ReservedPaths.METRICS).handler(metrics);
        authorizationServer = new AuthorizationServer(vertx, () -> config.authorizationServer(), oauth);
        authorizationServer.mount(router);
        new StatusEndpoints(
                        vertx,
                        new AdminCheck(oauth.accessTokens(), () -> config),
                        authorizationServer.pageSignIn(),
                        () -> config)
                .mount(router);
        if (protocols.credentials() != null) {
            new ConnectionsPage(
                            protocols.credentials(),
                            authorizationServer.pageSignIn(),
                            protocols.store(),
                            () -> config.routes(),
                            () -> config.groups(),
                            () -> config.oauth().issuer())
                    .mount(router);
        }
        CredentialGate credentialGate = new CredentialGate(protocols.credentials());
        // Every MCP endpoint (the group endpoint) is checked (Host, Origin, route, bearer token) before its method is.
        BiConsumer<Router, String> endpoints = (r, prefix) -> {
            String any = prefix + "/(?<endpoint>mcp|sse|message)$";
            String mcp = prefix + "/mcp$";
            String sseStream = prefix + "/sse$";
            String message = prefix + "/message$";
            r.routeWithRegex(any)
                    .handler(this::checkOrigin)
                    .handler(this::resolveRoute)
                    .handler(ctx -> bearer.check(ctx, ctx.get(ROUTE), ctx.pathParam("endpoint")))
                    .handler(gate::admit);
            r.routeWithRegex(HttpMethod.POST, any)
                    .handler(BodyHandler.create(false)
                            .setBodyLimit(config.server().maxBodyBytes()))
                    .handler(gate::checkMessages)
                    .handler(credentialGate::check);
            r.routeWithRegex(HttpMethod.POST, mcp).handler(ctx -> streamable.post(ctx, ctx.get(ROUTE)));
            r.routeWithRegex(HttpMethod.GET, mcp).handler(ctx -> streamable.get(ctx, ctx.get(ROUTE)));
            r.routeWithRegex(HttpMethod.DELETE, mcp).handler(streamable::delete);
            r.routeWithRegex(mcp).handler(ctx -> methodNotAllowed(ctx, "GET, POST, DELETE", "Method not allowed"));
            r.routeWithRegex(HttpMethod.GET, sseStream).handler(ctx -> sse.stream(ctx, ctx.get(ROUTE)));
            // Clients probing Streamable HTTP on an SSE URL fall back to GET on 400/404/405.
            r.routeWithRegex(sseStream)
                    .handler(ctx -> methodNotAllowed(
                            ctx,
                            "GET",
                            "Method not allowed: open the stream with GET, send messages to the endpoint it names"));
            r.routeWithRegex(HttpMethod.POST, message).handler(sse::message);
            r.routeWithRegex(message)
                    .handler(ctx -> methodNotAllowed(ctx, "POST", "Method not allowed: POST messages here"));
        };
        endpoints.accept(router, ROUTE_PATH);
        errorHandlers(router);

        // A route's own host: its endpoints at the root, its protected resource metadata, liveness for load
        // balancers' checks; nothing of the authorization server or the operator's endpoints.
        Router hostRouter = Router.router(vertx);
        hostRouter.route().handler(ctx -> {
            RouteConfig route = OriginPolicy.routeOnHost(ctx.request().getHeader("Host"), config)
                    .orElse(null);
            if (route == null) {
                // The configuration changed between the choice of router and now.
                Replies.error(
                        ctx.response(), 404, null, JsonRpcErrors.INVALID_REQUEST, "No route is served on this host");
                return;
            }
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            ctx.put(ROUTE, route);
            ctx.put(VIA_HOST, route.host().orElseThrow());
            ctx.next();
        });
        hostRouter.get(config.server().healthPath()).handler(health.liveness(vertx));
        authorizationServer.mountOnRouteHost(hostRouter, ctx -> ctx.get(ROUTE));
        endpoints.accept(hostRouter, HOST_ROOT);
        hostRouter
                .route()
                .handler(ctx -> Replies.error(
                        ctx.response(),
                        404,
                        null,
                        JsonRpcErrors.INVALID_REQUEST,
                        "Not found: this host serves "
                                + ctx.<RouteConfig>get(ROUTE).path() + " at /mcp and /sse; sign-in and "
                                + "everything else are at " + config.oauth().issuer()));
        errorHandlers(hostRouter);

        vertx.eventBus().<FrontConfig>localConsumer(Addresses.CONFIG_CHANGED, m -> config = EdgeConfig.of(m.body()));
        // No byte either way for the idle timeout closes a connection; SSE keep-alives keep streams out of it.
        // No h2c (cleartext HTTP/2): clients come over HTTP/1.1 or through a TLS proxy, and with h2c on,
        // Vert.x creates a connection only once its first request head is in, hiding slow senders from
        // the read deadlines.
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.server().host())
                .setPort(config.server().port())
                .setCompressionSupported(false)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) config.server().idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        deadlines = new ReadDeadlines(
                vertx, config.server().readTimeout(), config.server().idleTimeout());
        deadlines.start();
        return streams.start()
                .compose(v -> vertx.createHttpServer(options)
                        .connectionHandler(deadlines::opened)
                        .requestHandler(request -> {
                            deadlines.request(request);
                            if (OriginPolicy.routeOnHost(request.getHeader("Host"), config)
                                    .isPresent()) {
                                hostRouter.handle(request);
                            } else {
                                router.handle(request);
                            }
                        })
                        .listen())
                .onSuccess(s -> server = s);
    }

    private void errorHandlers(Router router) {
        router.errorHandler(
                413,
                ctx -> Replies.error(
                        ctx.response(),
                        413,
                        null,
                        "Payload too large: request bodies are limited to "
                                + config.server().maxBodyBytes() + " bytes"));
        router.errorHandler(500, ctx -> {
            log.atError()
                    .setCause(ctx.failure())
                    .addKeyValue("path", ctx.normalizedPath())
                    .log("request failed");
            Replies.error(ctx.response(), 500, null, JsonRpcErrors.INTERNAL_ERROR, "Internal error");
        });
    }

    /** The port this edge listens on (useful when the configuration asked for any free port). */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        sessions.stop();
        if (deadlines != null) {
            deadlines.stop();
        }
        return Future.join(
                server == null ? Future.succeededFuture() : server.close(),
                streams.stop(),
                authorizationServer == null ? Future.succeededFuture() : authorizationServer.close(),
                backendClient == null ? Future.succeededFuture() : backendClient.close());
    }

    private void checkOrigin(RoutingContext ctx) {
        String host = ctx.request().getHeader("Host");
        if (!OriginPolicy.hostAllowed(host, config)) {
            log.atWarn()
                    .addKeyValue("host", host)
                    .addKeyValue("path", ctx.normalizedPath())
                    .log("refused a foreign Host");
            Replies.error(
                    ctx.response(),
                    403,
                    null,
                    "Forbidden: host " + host + " is not allowed (DNS rebinding protection)");
            return;
        }
        String origin = ctx.request().getHeader("Origin");
        if (OriginPolicy.allowed(origin, config)) {
            ctx.next();
            return;
        }
        log.atWarn()
                .addKeyValue("origin", origin)
                .addKeyValue("path", ctx.normalizedPath())
                .log("refused a foreign origin");
        Replies.error(ctx.response(), 403, null, "Forbidden: origin " + origin + " is not allowed");
    }

    private static void methodNotAllowed(RoutingContext ctx, String allow, String message) {
        ctx.response().putHeader("Allow", allow);
        Replies.error(ctx.response(), 405, null, JsonRpcErrors.INVALID_REQUEST, message);
    }

    private void resolveRoute(RoutingContext ctx) {
        if (ctx.get(ROUTE) != null) {
            ctx.next(); // a route host's router found it by the Host header
            return;
        }
        String path = ctx.pathParam("route");
        RouteConfig route = config.route(path).orElse(null);
        if (route == null) {
            Replies.error(
                    ctx.response(), 404, null, JsonRpcErrors.INVALID_REQUEST, "No route " + path + " is configured");
            return;
        }
        ctx.put(ROUTE, route);
        ctx.next();
    }
}
