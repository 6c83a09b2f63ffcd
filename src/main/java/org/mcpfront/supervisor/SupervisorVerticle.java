package org.mcpfront.supervisor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionEnded;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.storage.Store;
import org.mcpfront.session.Backend;
import org.mcpfront.session.BackendHttp;
import org.mcpfront.session.BackendListener;
import org.mcpfront.session.Backends;
import org.mcpfront.session.SessionVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Starts and stops this instance's sessions, one {@link SessionVerticle} each. Enforces the session
 * limits (per route and per instance), backs off a stdio route whose command keeps failing to start,
 * closes the sessions of a route that a config edit removed, and drains every session when
 * mcp-front shuts down.
 */
public final class SupervisorVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(SupervisorVerticle.class);
    /** How long a close waits for the session's answer. */
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final GatewayMetrics metrics;
    /** Live sessions (and those starting): id → route path and owner. */
    private final Map<String, Tracked> sessions = new HashMap<>();
    private final Map<String, Integer> perRoute = new HashMap<>();
    /** Sessions per route and user (route path, NUL, token subject). */
    private final Map<String, Integer> perUser = new HashMap<>();
    private final Map<String, RouteHealth> health = new HashMap<>();
    private final BackendEras eras;
    private final RequestStates requestStates;
    private SupervisorConfig config;
    private BackendHttp backendHttp;
    /** What sessions tell their backends about their users. */
    private BackendIdentity backendIdentity = BackendIdentity.none();
    private BackendFactory backends;
    private Store streamStore;

    /** Makes the backend of a new session; tests give the supervisor one of their own. */
    @FunctionalInterface
    interface BackendFactory {
        Function<BackendListener, Backend> create(SessionSpec spec, Era httpEra);
    }

    public SupervisorVerticle(SupervisorConfig config, GatewayMetrics metrics, BackendEras eras, RequestStates requestStates,
                              BackendIdentity backendIdentity) {
        this(config, metrics, eras, requestStates, (BackendFactory) null);
        this.backendIdentity = backendIdentity;
    }

    SupervisorVerticle(SupervisorConfig config, GatewayMetrics metrics, BackendEras eras, RequestStates requestStates,
                       BackendFactory backends) {
        this.config = config;
        this.metrics = metrics;
        this.eras = eras;
        this.requestStates = requestStates;
        this.backends = backends;
    }

    /** Sessions keep the events of their resumable streams in {@code store} too (a cluster: for other instances). */
    public SupervisorVerticle keepStreamsIn(Store store) {
        this.streamStore = store;
        return this;
    }

    @Override
    public Future<?> start() {
        backendHttp = new BackendHttp(vertx, backendIdentity);
        if (backends == null) {
            backends = (spec, era) -> Backends.forSession(vertx, backendHttp, spec, era, requestStates);
        }
        return Future.all(
                vertx.eventBus().<SessionSpec>localConsumer(Addresses.SUPERVISOR_SESSIONS, this::open).completion(),
                vertx.eventBus().<SessionEnded>localConsumer(Addresses.SUPERVISOR_SESSION_ENDED, m -> ended(m.body()))
                        .completion(),
                vertx.eventBus().<FrontConfig>localConsumer(Addresses.CONFIG_CHANGED, m -> reconfigure(SupervisorConfig.of(m.body())))
                        .completion(),
                vertx.eventBus().localConsumer(Addresses.SUPERVISOR_STATUS, m -> m.reply(status())).completion());
    }

    private void open(Message<SessionSpec> message) {
        SessionSpec request = message.body();
        RouteConfig route = request.route();
        String path = route.path();
        if (config.route(path).isEmpty()) {
            message.fail(404, "route " + path + " is not configured");
            return;
        }
        long wait = health(path).waitMillis(System.nanoTime());
        if (wait > 0) {
            message.fail(503, "route " + path + " is failing to start (" + health(path).lastFailure()
                    + "); next attempt in " + Math.max(1, wait / 1000) + " s");
            return;
        }
        if (perUser.getOrDefault(userKey(path, request.owner().subject()), 0) >= route.maxSessionsPerUser()) {
            message.fail(503, "you have " + route.maxSessionsPerUser() + " sessions on " + path
                    + ", the most one user may have; close one (or wait for it to go idle) and try again");
            return;
        }
        if (perRoute.getOrDefault(path, 0) >= route.maxSessions()) {
            message.fail(503, "route " + path + " is at its limit of " + route.maxSessions() + " sessions; try again later");
            return;
        }
        if (sessions.size() >= config.maxSessions()) {
            message.fail(503, "mcp-front is at its limit of " + config.maxSessions() + " sessions; try again later");
            return;
        }
        String id = SessionIds.next();
        SessionSpec spec = request.withId(id);
        track(id, path, request.owner().subject());
        // An HTTP backend's era decides the bridge; one that cannot be probed is tried as 2025, whose
        // initialize then says what is wrong.
        Future<Era> era = route.type() == RouteConfig.RouteType.HTTP
                ? eras.eraOf(route).recover(e -> Future.succeededFuture(Era.LEGACY))
                : Future.succeededFuture(Era.LEGACY);
        era.compose(known -> vertx.deployVerticle(new SessionVerticle(spec, backends.create(spec, known), metrics)
                .keepStreamsIn(streamStore)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        message.reply(id);
                        return;
                    }
                    // The one way a start failure reaches the back-off: as the end of the session.
                    ended(new SessionEnded(id, path, String.valueOf(ar.cause().getMessage())));
                    log.atWarn().addKeyValue("route", path).addKeyValue("session", id)
                            .addKeyValue("reason", ar.cause().getMessage()).log("session could not start");
                    message.fail(502, "backend for " + path + " is unavailable: " + ar.cause().getMessage());
                });
    }

    private void ended(SessionEnded notice) {
        String path = forget(notice.sessionId());
        if (path == null) {
            return;
        }
        String startFailure = notice.startFailure();
        if (startFailure != null) {
            startFailed(path, startFailure);
        } else {
            health(path).started();
        }
    }

    private void startFailed(String path, String reason) {
        metrics.backendError(path, "start");
        // Only processes are worth holding back: restarting a broken command or pulling a missing
        // image in a loop costs the host; an unreachable HTTP backend costs one refused connection.
        boolean stdio = config.route(path).map(r -> r.type() == RouteConfig.RouteType.STDIO).orElse(false);
        if (stdio) {
            health(path).failed(reason, System.nanoTime());
        }
    }

    private record Tracked(String path, String subject) {
    }

    private static String userKey(String path, String subject) {
        return path + '\u0000' + subject;
    }

    private void track(String id, String path, String subject) {
        sessions.put(id, new Tracked(path, subject));
        perRoute.merge(path, 1, Integer::sum);
        perUser.merge(userKey(path, subject), 1, Integer::sum);
    }

    /** Forgets a session; returns its route path, or null if it was not known. */
    private String forget(String id) {
        Tracked tracked = sessions.remove(id);
        if (tracked == null) {
            return null;
        }
        perRoute.computeIfPresent(tracked.path(), (p, n) -> n > 1 ? n - 1 : null);
        perUser.computeIfPresent(userKey(tracked.path(), tracked.subject()), (k, n) -> n > 1 ? n - 1 : null);
        return tracked.path();
    }

    private RouteHealth health(String path) {
        return health.computeIfAbsent(path, p -> new RouteHealth());
    }

    private JsonObject status() {
        long now = System.nanoTime();
        JsonObject routes = new JsonObject();
        for (RouteConfig route : config.routes()) {
            RouteHealth h = health.get(route.path());
            JsonObject json = h == null ? new JsonObject() : h.toJson(now);
            routes.put(route.path(), json.put("sessions", perRoute.getOrDefault(route.path(), 0))
                    .put("max_sessions", route.maxSessions()));
        }
        return new JsonObject().put("sessions", sessions.size()).put("max_sessions", config.maxSessions())
                .put("routes", routes);
    }

    private void reconfigure(SupervisorConfig next) {
        List<String> removed = config.removedIn(next);
        List<String> changed = config.changedIn(next);
        config = next;
        List<String> ids = new ArrayList<>();
        sessions.forEach((id, tracked) -> {
            if (removed.contains(tracked.path())) {
                ids.add(id);
            }
        });
        for (String id : ids) {
            close(id, "route removed from the configuration");
        }
        // A changed route starts afresh: its old failures said nothing about the new command.
        changed.forEach(health::remove);
        removed.forEach(health::remove);
        // Sessions of changed routes keep the settings they started with; new sessions get the new ones.
    }

    private void close(String id, String reason) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(CLOSE_TIMEOUT_MS);
        vertx.eventBus().request(Addresses.sessionIn(id), new SessionCommand.Evict(reason), options).onFailure(e -> log.atDebug()
                .addKeyValue("session", id).addKeyValue("reason", e.getMessage()).log("session was already gone"));
    }

    /**
     * Sessions are child deployments of this verticle, and Vert.x undeploys children before their
     * parent: by the time this runs, every session has drained itself (errors for requests in
     * flight, streams ended, backend sessions deleted, processes stopped). What is left is the
     * shared client.
     */
    @Override
    public Future<?> stop() {
        return backendHttp.close();
    }
}
