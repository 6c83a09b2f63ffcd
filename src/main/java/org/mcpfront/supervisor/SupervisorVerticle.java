package org.mcpfront.supervisor;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mcpfront.aggregate.AggregateBackend;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.SessionAdopt;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionEnded;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.limits.SessionLeases;
import org.mcpfront.observability.Audit;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.session.Backend;
import org.mcpfront.session.BackendHttp;
import org.mcpfront.session.BackendListener;
import org.mcpfront.session.Backends;
import org.mcpfront.session.SessionFacts;
import org.mcpfront.session.SessionVerticle;
import org.mcpfront.session.StdioPool;
import org.mcpfront.storage.MemoryStore;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops this instance's sessions, one {@link SessionVerticle} each. Enforces the session
 * limits (per route and per instance here; per user and route across the cluster, by {@link SessionLeases}
 * in the store, renewed while the session lives), backs off a stdio route whose command keeps failing to start,
 * closes the sessions of a route that a config edit removed, and drains every session when
 * mcp-front shuts down.
 */
public final class SupervisorVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(SupervisorVerticle.class);
    /** How long a close waits for the session's answer. */
    private static final long CLOSE_TIMEOUT_MS = 10_000;
    /** How long an instance that lost an adoption claim waits for the winner to serve the session. */
    private static final long SERVED_WAIT_NANOS = 8_000_000_000L;

    private static final long SERVED_POLL_MS = 100;

    private static final String GONE = "Session not found: it ended or never existed";

    private final GatewayMetrics metrics;
    /** Live sessions (and those starting): id → route path and owner. */
    private final Map<String, Tracked> sessions = new HashMap<>();
    /**
     * Adoptions starting here: a request for the session waits for its start (a stdio process takes a
     * while), since the edge's resend gives up on a session whose address is not there soon.
     */
    private final Map<String, Promise<Void>> adopting = new HashMap<>();

    private final Map<String, Integer> perRoute = new HashMap<>();
    /** One user's sessions on a route, counted in the store (all instances together). */
    private SessionLeases leases;
    /** Without a store (tests of one instance) the leases live in one of this verticle's own. */
    private MemoryStore ownStore;

    private final Map<String, RouteHealth> health = new HashMap<>();
    /** The warm processes of stdio routes with {@code warm} (route path → pool); counted in the session limits. */
    private final Map<String, StdioPool> pools = new HashMap<>();

    private final BackendEras eras;
    private final RequestStates requestStates;
    private SupervisorConfig config;
    private BackendHttp backendHttp;
    /** What sessions tell their backends about their users. */
    private BackendIdentity backendIdentity = BackendIdentity.none();

    private BackendFactory backends;
    /** Where sessions keep their streams' events for other instances (a cluster); null keeps them in memory only. */
    private Store streamStore;

    private boolean keepFacts = true;

    private final Store store;
    private final Membership membership;

    /** Makes the backend of a new session; tests give the supervisor one of their own. */
    @FunctionalInterface
    interface BackendFactory {
        Function<BackendListener, Backend> create(SessionSpec spec, Era httpEra);
    }

    /**
     * @param backendIdentity what sessions tell their backends about their users
     * @param store           where sessions keep their durable facts, so that another instance can adopt them
     * @param membership      this instance's node id and the live members
     */
    public SupervisorVerticle(
            SupervisorConfig config,
            GatewayMetrics metrics,
            BackendEras eras,
            RequestStates requestStates,
            BackendIdentity backendIdentity,
            Store store,
            Membership membership) {
        this(config, metrics, eras, requestStates, (BackendFactory) null, store, membership);
        this.backendIdentity = backendIdentity;
    }

    SupervisorVerticle(
            SupervisorConfig config,
            GatewayMetrics metrics,
            BackendEras eras,
            RequestStates requestStates,
            BackendFactory backends) {
        this(config, metrics, eras, requestStates, backends, null, Membership.of(null));
    }

    SupervisorVerticle(
            SupervisorConfig config,
            GatewayMetrics metrics,
            BackendEras eras,
            RequestStates requestStates,
            BackendFactory backends,
            Store store,
            Membership membership) {
        this.config = config;
        this.metrics = metrics;
        this.eras = eras;
        this.requestStates = requestStates;
        this.backends = backends;
        this.store = store;
        this.membership = membership;
    }

    /** Sessions keep the events of their resumable streams in {@code store} too (a cluster: for other instances). */
    public SupervisorVerticle keepStreamsIn(Store store) {
        this.streamStore = store;
        return this;
    }

    /**
     * Whether sessions keep their durable facts in the store (on by default). Only worth it where someone
     * can read them back: another instance, or this one after a restart. One instance on an in-process
     * store has no one: there each session's facts would be a kilobyte of heap for nothing (issue 15).
     */
    public SupervisorVerticle keepFacts(boolean keep) {
        this.keepFacts = keep;
        return this;
    }

    @Override
    public Future<?> start() {
        backendHttp = new BackendHttp(vertx, backendIdentity);
        if (backends == null) {
            backends = (spec, era) -> spec.route().type() == RouteConfig.RouteType.AGGREGATE
                    ? Backends.around(
                            vertx,
                            spec,
                            AggregateBackend.forSession(vertx, spec, this::memberBackend, metrics, config.groups()),
                            requestStates)
                    : Backends.forSession(vertx, backendHttp, spec, era, requestStates, warmPool(spec.route()));
        }
        config.routes().forEach(this::keepWarm);
        if (store == null) {
            ownStore = new MemoryStore(vertx, 1 << 20);
        }
        leases = new SessionLeases(store == null ? ownStore : store);
        vertx.setPeriodic(SessionLeases.RENEW_EVERY.toMillis(), t -> renewLeases());
        return Future.all(
                vertx.eventBus()
                        .<SessionSpec>localConsumer(Addresses.SUPERVISOR_SESSIONS, this::open)
                        .completion(),
                vertx.eventBus()
                        .<SessionAdopt>localConsumer(Addresses.SUPERVISOR_ADOPT, this::adopt)
                        .completion(),
                vertx.eventBus()
                        .<SessionEnded>localConsumer(Addresses.SUPERVISOR_SESSION_ENDED, m -> ended(m.body()))
                        .completion(),
                vertx.eventBus()
                        .<FrontConfig>localConsumer(
                                Addresses.CONFIG_CHANGED, m -> reconfigure(SupervisorConfig.of(m.body())))
                        .completion(),
                vertx.eventBus()
                        .localConsumer(Addresses.SUPERVISOR_STATUS, m -> m.reply(status()))
                        .completion());
    }

    private void open(Message<SessionSpec> message) {
        SessionSpec request = message.body();
        RouteConfig route = request.route();
        String path = route.path();
        if (config.route(path).isEmpty()) {
            message.fail(404, "route " + path + " is not configured");
            return;
        }
        String refusal = refusal(route);
        if (refusal != null) {
            message.fail(503, refusal);
            return;
        }
        String id = SessionIds.next();
        SessionSpec spec = request.withId(id);
        track(id, path, request.owner().subject());
        reserve(route, request.owner().subject(), id).onSuccess(held -> {
            if (held) {
                start(message, route, spec);
            } else {
                forget(id);
                metrics.refused(path, "sessions_per_user");
                Audit.sessionLimited(
                        request.owner().email(),
                        request.owner().clientId(),
                        path,
                        route.sessions().maxPerUser());
                message.fail(503, perUserRefusal(route));
            }
        });
    }

    private void start(Message<SessionSpec> message, RouteConfig route, SessionSpec spec) {
        String id = spec.id();
        String path = route.path();
        // 2026-07-28 clients' bridged sessions are found through the store already, and need no adopting.
        SessionFacts facts = store == null || !keepFacts || spec.clientTransport() == ClientTransport.MODERN
                ? null
                : new SessionFacts(
                        id,
                        path,
                        spec.owner(),
                        spec.clientTransport(),
                        null,
                        null,
                        false,
                        null,
                        spec.standalone(),
                        membership.node(),
                        0);
        eraOf(route)
                .compose(known -> vertx.deployVerticle(
                        new SessionVerticle(spec, backends.create(spec, known), metrics, store, facts, false)
                                .keepStreamsIn(streamStore)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        message.reply(id);
                        return;
                    }
                    // The one way a start failure reaches the back-off: as the end of the session.
                    ended(new SessionEnded(id, path, String.valueOf(ar.cause().getMessage())));
                    log.atWarn()
                            .addKeyValue("route", path)
                            .addKeyValue("session", id)
                            .addKeyValue("reason", ar.cause().getMessage())
                            .log("session could not start");
                    message.fail(
                            502,
                            "backend for " + path + " is unavailable: "
                                    + ar.cause().getMessage());
                });
    }

    /**
     * Why a new session on this route may not start now (back-off, this instance's limits), or null; the user's
     * own limit is counted across the cluster by {@link #reserve}.
     */
    private String refusal(RouteConfig route) {
        String path = route.path();
        long wait = health(path).waitMillis(System.nanoTime());
        if (wait > 0) {
            return "route " + path + " is failing to start (" + health(path).lastFailure() + "); next attempt in "
                    + Math.max(1, wait / 1000) + " s";
        }
        int routeSessions = perRoute.getOrDefault(path, 0);
        StdioPool pool = warmPool(route);
        boolean claims = pool != null && pool.ready() > 0;
        // Warm processes count against the limits; a session that takes one of its route's changes no count.
        if (routeSessions >= route.sessions().max()
                || !claims
                        && routeSessions + (pool == null ? 0 : pool.size())
                                >= route.sessions().max()) {
            return "route " + path + " is at its limit of " + route.sessions().max() + " sessions; try again later";
        }
        if (sessions.size() >= config.maxSessions()
                || !claims && sessions.size() + pooled() >= config.maxSessions() && !releaseWarm()) {
            return "mcp-front is at its limit of " + config.maxSessions() + " sessions; try again later";
        }
        return null;
    }

    // ---- warm stdio processes ---------------------------------------------------------------

    /** Starts keeping {@code route}'s warm processes, if it asks for any. */
    private void keepWarm(RouteConfig route) {
        if (route.stdio().map(RouteConfig.Stdio::warm).orElse(0) == 0) {
            return;
        }
        String path = route.path();
        StdioPool pool = StdioPool.of(vertx, route, () -> hasRoomFor(path));
        pools.put(path, pool);
        pool.refill();
    }

    /** Whether one more warm process of {@code path} fits the route's and the instance's session limits. */
    private boolean hasRoomFor(String path) {
        StdioPool pool = pools.get(path);
        int max = config.route(path).map(r -> r.sessions().max()).orElse(0);
        return pool != null
                && perRoute.getOrDefault(path, 0) + pool.size() < max
                && sessions.size() + pooled() < config.maxSessions();
    }

    /** The pool a new session of {@code route} may take a process from: one kept for exactly this route. */
    private StdioPool warmPool(RouteConfig route) {
        StdioPool pool = pools.get(route.path());
        return pool != null && pool.route().equals(route) ? pool : null;
    }

    private int pooled() {
        int all = 0;
        for (StdioPool pool : pools.values()) {
            all += pool.size();
        }
        return all;
    }

    /** Ends one ready warm process (of any route) to make room under the instance's limit. */
    private boolean releaseWarm() {
        for (StdioPool pool : pools.values()) {
            if (pool.release()) {
                return true;
            }
        }
        return false;
    }

    private void refillWarm() {
        pools.values().forEach(StdioPool::refill);
    }

    /**
     * A member route's backend inside an aggregate session, as a session of that route would get it: a stdio
     * member takes a process its route keeps warm. Asked on the aggregate session's context; the pools are looked
     * up on the supervisor's own.
     */
    private Future<Function<BackendListener, Backend>> memberBackend(SessionSpec memberSpec) {
        Promise<StdioPool> pool = Promise.promise();
        context.runOnContext(v -> pool.complete(warmPool(memberSpec.route())));
        return pool.future()
                .compose(warm -> eraOf(memberSpec.route())
                        .map(era -> Backends.forSession(vertx, backendHttp, memberSpec, era, requestStates, warm)));
    }

    /**
     * Takes the user's place on the route for session {@code id}, across the cluster: false when the user holds
     * the route's {@code max_sessions_per_user} already. A store that cannot count lets the session through, as
     * it does the per-user rate.
     */
    private Future<Boolean> reserve(RouteConfig route, String subject, String id) {
        return leases.reserve(route.path(), subject, id, route.sessions().maxPerUser())
                .recover(e -> {
                    log.atWarn()
                            .addKeyValue("route", route.path())
                            .addKeyValue("session", id)
                            .addKeyValue("reason", e.getMessage())
                            .log("could not count a session against the per-user limit; let through");
                    return Future.succeededFuture(true);
                });
    }

    private static String perUserRefusal(RouteConfig route) {
        return "you have " + route.sessions().maxPerUser() + " sessions on " + route.path()
                + ", the most one user may have; close one (or wait for it to go idle) and try again";
    }

    /** Keeps the leases of this instance's sessions; the set of a dead instance runs out. */
    private void renewLeases() {
        sessions.forEach((id, tracked) -> leases.renew(tracked.path(), tracked.subject(), id)
                .onFailure(e -> log.atWarn()
                        .addKeyValue("route", tracked.path())
                        .addKeyValue("session", id)
                        .addKeyValue("reason", e.getMessage())
                        .log("could not renew a session's place in the per-user limit")));
    }

    /**
     * An HTTP backend's era decides the bridge; one that cannot be probed is tried as 2025, whose
     * initialize then says what is wrong.
     */
    private Future<Era> eraOf(RouteConfig route) {
        return route.type() == RouteConfig.RouteType.HTTP
                ? eras.eraOf(route).recover(e -> Future.succeededFuture(Era.LEGACY))
                : Future.succeededFuture(Era.LEGACY);
    }

    // ---- adoption ---------------------------------------------------------------------------

    /**
     * A request found no instance serving its session. If the store has the session's facts and the
     * instance that owned it is gone, this instance claims it (one claim per epoch: two instances never
     * adopt the same session) and carries it on under the same id. The reply tells the edge to send its
     * request again (here, or to the instance that won the claim), or fails with the status to answer.
     */
    private void adopt(Message<SessionAdopt> message) {
        String id = message.body().sessionId();
        if (store == null) {
            message.fail(404, GONE);
            return;
        }
        if (replyOnceAdopted(message, id)) {
            return;
        }
        store.get(SessionFacts.key(id)).onComplete(read -> {
            if (read.failed()) {
                // Not knowing is not "gone": a 404 would end the client's session for good.
                message.fail(503, "the store could not be reached to find the session; try again");
                return;
            }
            if (read.result() == null) {
                message.fail(404, GONE);
                return;
            }
            SessionFacts facts = SessionFacts.fromJson(read.result());
            if (!facts.owner().binding(facts.route()).equals(message.body().owner())) {
                // The same answer as for a session that does not exist: an id alone lets nobody in.
                log.atWarn()
                        .addKeyValue("route", facts.route())
                        .addKeyValue("session", id)
                        .addKeyValue("user", facts.owner().email())
                        .log("refused to adopt a session for another user, client or route");
                message.fail(404, GONE);
                return;
            }
            if (membership.node().equals(facts.node())) {
                message.fail(404, GONE);
                return;
            }
            if (membership.isMember(facts.node())) {
                // Its owner lives (a new session, or one adopted a moment ago, whose address is still spreading).
                message.reply(null);
                return;
            }
            RouteConfig route = config.route(facts.route()).orElse(null);
            if (route == null
                    || facts.initialize() == null
                    || route.type() == RouteConfig.RouteType.STDIO
                            && route.stdio().orElseThrow().onProcessLoss() == RouteConfig.OnProcessLoss.END) {
                store.delete(SessionFacts.key(id));
                message.fail(404, GONE);
                return;
            }
            String refusal = refusal(route);
            if (refusal != null) {
                message.fail(503, refusal);
                return;
            }
            // The session's own place, if its lease outlived its instance; else a new one within the limit.
            reserve(route, facts.owner().subject(), id).onSuccess(held -> {
                if (held) {
                    claim(message, route, facts);
                } else {
                    metrics.refused(route.path(), "sessions_per_user");
                    message.fail(503, perUserRefusal(route));
                }
            });
        });
    }

    private void claim(Message<SessionAdopt> message, RouteConfig route, SessionFacts facts) {
        String id = facts.id();
        SessionFacts adopted = facts.adoptedBy(membership.node());
        if (adopted.clientTransport() == ClientTransport.STREAMABLE) {
            // Its GET stream was most likely held by the instance that died; the client opens another.
            adopted = adopted.withStandalone(null);
        }
        SessionFacts claimed = adopted;
        store.putIfAbsent(
                        SessionFacts.claimKey(id, facts.epoch()),
                        new JsonObject().put("node", membership.node()),
                        route.sessions().idleTimeout())
                .onComplete(claim -> {
                    if (claim.failed()) {
                        message.fail(503, "the store could not be reached to adopt the session; try again");
                    } else if (!claim.result()) {
                        // Another instance won: once it serves the session, the edge sends the request again.
                        replyOnceServed(message, id, facts.node(), System.nanoTime() + SERVED_WAIT_NANOS);
                    } else if (!replyOnceAdopted(message, id)) {
                        startAdopted(message, route, facts, claimed);
                    }
                });
    }

    /**
     * Answers {@code message} when the session is served here, or once its adoption here has started it
     * (fails with 404 if that start fails). False when this instance neither serves nor adopts it.
     */
    private boolean replyOnceAdopted(Message<SessionAdopt> message, String id) {
        Promise<Void> starting = adopting.get(id);
        if (starting != null) {
            starting.future().onComplete(ar -> {
                if (ar.succeeded()) {
                    message.reply(SessionAdopt.HERE);
                } else {
                    message.fail(404, GONE);
                }
            });
            return true;
        }
        if (sessions.containsKey(id)) {
            message.reply(SessionAdopt.HERE);
            return true;
        }
        return false;
    }

    /**
     * Another instance claimed the session: answers once the stored facts name a live owner other than
     * {@code deadNode} (the winner started it and saved them), fails with 404 when they are gone (its
     * start failed), and with 503 when neither happened in time.
     */
    private void replyOnceServed(Message<SessionAdopt> message, String id, String deadNode, long deadline) {
        store.get(SessionFacts.key(id)).onComplete(read -> {
            if (read.failed()) {
                message.fail(503, "the store could not be reached to adopt the session; try again");
                return;
            }
            if (read.result() == null) {
                message.fail(404, GONE);
                return;
            }
            String node = SessionFacts.fromJson(read.result()).node();
            if (!node.equals(deadNode) && membership.isMember(node)) {
                message.reply(null);
            } else if (System.nanoTime() > deadline) {
                message.fail(503, "another instance is still carrying the session on; try again");
            } else {
                vertx.setTimer(SERVED_POLL_MS, t -> replyOnceServed(message, id, deadNode, deadline));
            }
        });
    }

    private void startAdopted(
            Message<SessionAdopt> message, RouteConfig route, SessionFacts from, SessionFacts adopted) {
        String id = adopted.id();
        Promise<Void> started = Promise.promise();
        adopting.put(id, started);
        started.future().onComplete(ar -> adopting.remove(id));
        SessionSpec spec = new SessionSpec(id, route, adopted.clientTransport(), adopted.standalone(), adopted.owner());
        track(id, route.path(), adopted.owner().subject());
        eraOf(route)
                .compose(era -> vertx.deployVerticle(
                        new SessionVerticle(spec, backends.create(spec, era), metrics, store, adopted, true)
                                .keepStreamsIn(streamStore)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        metrics.sessionAdopted(route.path());
                        log.atInfo()
                                .addKeyValue("route", route.path())
                                .addKeyValue("session", id)
                                .addKeyValue("user", adopted.owner().email())
                                .addKeyValue("from_node", from.node())
                                .log("session adopted from an instance that is gone");
                        Audit.sessionAdopted(
                                adopted.owner().email(), adopted.owner().clientId(), route.path(), id, from.node());
                        message.reply(SessionAdopt.ADOPTED);
                        started.complete();
                        return;
                    }
                    started.fail(ar.cause());
                    forget(id);
                    store.delete(SessionFacts.key(id));
                    log.atWarn()
                            .addKeyValue("route", route.path())
                            .addKeyValue("session", id)
                            .addKeyValue("user", adopted.owner().email())
                            .addKeyValue("from_node", from.node())
                            .addKeyValue("reason", ar.cause().getMessage())
                            .log("a session whose instance is gone could not be carried on");
                    message.fail(404, GONE);
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
        // A session's place is free: the warm pools may fill it.
        refillWarm();
    }

    private void startFailed(String path, String reason) {
        metrics.backendError(path, "start");
        // Only processes are worth holding back: restarting a broken command or pulling a missing
        // image in a loop costs the host; an unreachable HTTP backend costs one refused connection.
        boolean stdio = config.route(path)
                .map(r -> r.type() == RouteConfig.RouteType.STDIO)
                .orElse(false);
        if (stdio) {
            health(path).failed(reason, System.nanoTime());
        }
    }

    private record Tracked(String path, String subject) {}

    private void track(String id, String path, String subject) {
        sessions.put(id, new Tracked(path, subject));
        perRoute.merge(path, 1, Integer::sum);
    }

    /** Forgets a session; returns its route path, or null if it was not known. */
    private String forget(String id) {
        Tracked tracked = sessions.remove(id);
        if (tracked == null) {
            return null;
        }
        perRoute.computeIfPresent(tracked.path(), (p, n) -> n > 1 ? n - 1 : null);
        leases.release(tracked.path(), tracked.subject(), id)
                .onFailure(e -> log.atWarn()
                        .addKeyValue("route", tracked.path())
                        .addKeyValue("session", id)
                        .addKeyValue("reason", e.getMessage())
                        .log("could not give up a session's place in the per-user limit; it runs out by itself"));
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
            routes.put(
                    route.path(),
                    json.put("sessions", perRoute.getOrDefault(route.path(), 0))
                            .put("max_sessions", route.sessions().max()));
            StdioPool pool = pools.get(route.path());
            if (pool != null) {
                routes.getJsonObject(route.path()).put("warm", pool.ready());
            }
        }
        return new JsonObject()
                .put("sessions", sessions.size())
                .put("max_sessions", config.maxSessions())
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
        // Warm processes were started with the old settings: they end, and the new settings start their own.
        for (String path : List.copyOf(pools.keySet())) {
            if (removed.contains(path) || changed.contains(path)) {
                pools.remove(path).close();
            }
        }
        for (RouteConfig route : next.routes()) {
            if (!pools.containsKey(route.path())) {
                keepWarm(route);
            }
        }
    }

    private void close(String id, String reason) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(CLOSE_TIMEOUT_MS);
        vertx.eventBus()
                .request(Addresses.sessionIn(id), new SessionCommand.Evict(reason), options)
                .onFailure(e -> log.atDebug()
                        .addKeyValue("session", id)
                        .addKeyValue("reason", e.getMessage())
                        .log("session was already gone"));
    }

    /**
     * Sessions are child deployments of this verticle, and Vert.x undeploys children before their
     * parent: by the time this runs, every session has drained itself (errors for requests in
     * flight, streams ended, backend sessions deleted, processes stopped). What is left is the
     * warm processes no session took, and the shared client.
     */
    @Override
    public Future<?> stop() {
        List<Future<Void>> closing = new ArrayList<>();
        pools.values().forEach(pool -> closing.add(pool.close()));
        pools.clear();
        if (ownStore != null) {
            ownStore.close();
        }
        return Future.join(closing).transform(x -> backendHttp.close());
    }
}
