package org.mcpfront.session;

import io.opentelemetry.context.Scope;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mcpfront.access.Kind;
import org.mcpfront.access.ListFilter;
import org.mcpfront.access.Visibility;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.EventIds;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionEnded;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.bus.StreamEvent;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.observability.Audit;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.Era;
import org.mcpfront.storage.Store;
import org.mcpfront.tracing.RequestSpan;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The rules of one MCP session, without Vert.x: the client's requests in flight, the routing of every
 * backend message to exactly one client stream, the session's timeouts and its lifecycle. The
 * {@link SessionVerticle} runs it: it hands client commands and the end of the verticle in, and lends
 * it a {@link Host} for time, timers and the event bus. Every method runs on the session's context.
 *
 * <p>Routing rules: a response goes to the stream that carried its request (or is dropped if that
 * client went away: the spec forbids answering on another stream); a server-initiated message that
 * relates to a request in flight (same backend response stream, or its progress token) rides that
 * request's stream; everything else goes to the standalone stream, and waits in a bounded queue
 * while none is attached, so notifications sent before the client opened its GET are not lost.
 */
final class SessionCore implements BackendListener {

    private static final Logger log = LoggerFactory.getLogger(SessionCore.class);
    /** Server-initiated messages kept while no standalone stream is attached. */
    static final int MAX_UNDELIVERED = 1000;

    /** How long a session whose backend failed before the client spoke waits to tell the client why. */
    static final long LINGER_MS = 2_000;

    private static final String LISTEN = "subscriptions/listen";
    private static final String SHUTDOWN = "mcp-front is shutting down";
    /** The failure kind of a backend (a replacement process) that failed before it answered. */
    static final String START = "start";

    /** Where a session stands; it only moves forward. */
    enum State {
        /** The backend is opening; a failure now fails the start. */
        STARTING,
        /** Serving the client. */
        OPEN,
        /**
         * The backend failed before the client said anything: the session waits a moment to answer the
         * client's first request (its initialize is on the way) with the reason instead of a bare 404.
         */
        LINGERING,
        /** Ending: the supervisor has been told, the verticle is being undeployed. */
        ENDING,
        /** Drained: every request answered, every stream told. */
        ENDED
    }

    /** What the session needs from its verticle: the clock, timers, the event bus and its own end. */
    interface Host {
        /** Monotonic time, as {@link System#nanoTime()}. */
        long nanoTime();

        /** Runs {@code action} on the session's context after {@code delayMillis}; returns the timer's id. */
        long setTimer(long delayMillis, Runnable action);

        void cancelTimer(long timerId);

        /** Sends one event to the edge inbox that holds {@code stream}. */
        void deliver(StreamRef stream, StreamEvent event);

        /** Tells the supervisor (locally) that this session ended on its own. */
        void tellSupervisor(SessionEnded notice);

        /** Undeploys the session's verticle, which then calls {@link #drain()}. */
        void undeploy();

        /** Where the events of resumable streams are kept for other instances (a cluster), or null. */
        default Store streamStore() {
            return null;
        }

        /** Keeps the session's durable facts in the store for {@code ttlMillis} (another instance may adopt it). */
        default void saveFacts(SessionFacts facts, long ttlMillis) {}
    }

    /** The answer to one client command: the edge passes a failure's code on as the HTTP status. */
    interface Ack {
        void ok();

        /** Success with a short answer for the edge (how a {@link SessionCommand.Resume} went). */
        default void ok(String answer) {
            ok();
        }

        void fail(int status, String message);
    }

    private final SessionSpec spec;
    private final RouteConfig route;
    private final Host host;
    private final GatewayMetrics metrics;

    private final Map<String, Pending> pending = new HashMap<>();
    /** Event ids and the buffer of sent events of every resumable stream: what a reconnecting client missed. */
    private final StreamBuffers buffers;

    private final Map<String, String> progressTokens = new HashMap<>();
    private final ArrayDeque<String> undelivered = new ArrayDeque<>();
    private Backend backend;
    private StreamRef standalone;
    private State state = State.STARTING;
    private long openedAt;
    private long lastActivity;
    private long idleTimer = -1;
    /** Why the session ends; a session that did not end itself was stopped with mcp-front. */
    private Ending ending = new Ending(SHUTDOWN, false, null);
    /** A backend failure while {@link State#STARTING}: the start fails with it. */
    private String failureWhileStarting;
    /** Whether the backend ever said anything; a backend that fails before that failed to start. */
    private boolean heardFromBackend;

    private boolean heardFromClient;
    private boolean droppedWarned;
    /** Session-unique ids for the requests of 2026-07-28 clients, whose own ids need not be unique here. */
    private long localIds;
    /** What another instance would need to carry this session on; null when it cannot (2026 bridged sessions). */
    private SessionFacts facts;

    private long factsSavedAt;
    /**
     * The standalone stream came with an adopted session: its edge may have died with the old owner, so
     * a client that opens a new one replaces it.
     */
    private boolean standaloneInherited;

    /**
     * Why the session ends.
     *
     * @param backendFailed the backend failed: requests still in flight get the backend's error code
     * @param startFailure  why the backend failed before it ever answered, for the supervisor's back-off
     */
    private record Ending(String reason, boolean backendFailed, String startFailure) {}

    SessionCore(SessionSpec spec, Host host, GatewayMetrics metrics) {
        this(spec, host, metrics, null);
    }

    /**
     * @param facts the session's durable facts as the store should keep them from the start (an adopted
     *              session's, with this instance as owner), or null when none are kept
     */
    SessionCore(SessionSpec spec, Host host, GatewayMetrics metrics, SessionFacts facts) {
        this.spec = spec;
        this.route = spec.route();
        this.host = host;
        this.metrics = metrics;
        this.standalone = keyedIfLegacy(spec.standalone());
        this.buffers = new StreamBuffers(
                route.path(), spec.id(), host.streamStore(), route.sessions().idleTimeout(), host::deliver);
        this.openedAt = host.nanoTime();
        this.lastActivity = openedAt;
        this.facts = facts;
        if (facts != null && facts.initialize() != null) {
            // An adopted session: its client and backend have spoken before, on another instance.
            heardFromClient = true;
            heardFromBackend = true;
            standaloneInherited = standalone != null;
        }
    }

    SessionFacts facts() {
        return facts;
    }

    /** The backend, made by the verticle with this core as its listener. */
    void backend(Backend backend) {
        this.backend = backend;
    }

    Backend backend() {
        return backend;
    }

    State state() {
        return state;
    }

    /**
     * The backend opened and the inbox listens: the session is open, unless the backend failed
     * meanwhile. The one way a start fails after the backend opened.
     *
     * @return why the start failed, or null when the session is open
     */
    String started() {
        if (failureWhileStarting != null) {
            state = State.ENDED;
            return failureWhileStarting;
        }
        state = State.OPEN;
        saveFacts(facts);
        metrics.sessionOpened(route.path());
        scheduleIdleCheck(route.sessions().idleTimeout().toMillis());
        log.atInfo()
                .addKeyValue("route", route.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("user", spec.owner().email())
                .addKeyValue("client_transport", spec.clientTransport().name().toLowerCase())
                .log("session opened");
        return null;
    }

    /**
     * Ends the session once: tells the supervisor, then undeploys the verticle, whose stop drains
     * this core. Returns whether this call started the end.
     */
    boolean end(String reason) {
        if (!beginEnd(reason)) {
            return false;
        }
        host.undeploy();
        return true;
    }

    /**
     * A session that ends on its own (client, idle, backend) tells the supervisor, which forgets it
     * and learns whether the backend failed to start. This goes out before any client hears of the
     * end, so that a client retrying on the error it gets meets the start back-off. When the
     * supervisor itself is stopping, it undeploys its sessions and needs no notice.
     */
    private boolean beginEnd(String reason) {
        if (state == State.ENDING || state == State.ENDED) {
            return false;
        }
        state = State.ENDING;
        ending = new Ending(reason, ending.backendFailed(), ending.startFailure());
        host.tellSupervisor(new SessionEnded(spec.id(), route.path(), ending.startFailure()));
        return true;
    }

    /**
     * The verticle stops (the session ended, or mcp-front stops): every request in flight gets an
     * error, every stream this session used is ended.
     */
    void drain() {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        if (idleTimer >= 0) {
            host.cancelTimer(idleTimer);
        }
        String message = "Session ended: " + ending.reason();
        int code = ending.backendFailed() ? JsonRpcErrors.BACKEND_UNAVAILABLE : JsonRpcErrors.INTERNAL_ERROR;
        Set<StreamRef> streams = new LinkedHashSet<>();
        for (Pending p : pending.values()) {
            cancelTimer(p);
            deliverResponse(p, JsonRpcErrors.error(p.idKey, code, message));
            audit(p, ending.backendFailed() ? "backend_failed" : "session_ended", code);
            if (p.stream != null && p.streamAlive) {
                streams.add(p.stream);
            }
        }
        pending.clear();
        if (standalone != null) {
            streams.add(standalone);
        }
        for (StreamRef stream : streams) {
            endStream(stream, ending.reason());
        }
        metrics.sessionClosed(route.path());
        log.atInfo()
                .addKeyValue("route", route.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("user", spec.owner().email())
                .addKeyValue("reason", ending.reason())
                .addKeyValue("duration_ms", (host.nanoTime() - openedAt) / 1_000_000)
                .log("session closed");
    }

    // ---- client side ------------------------------------------------------------------------

    /**
     * One command from the client. The owner check comes first: a session answers only its owner.
     * {@link SessionCommand.Close} is answered by the verticle once the session has ended.
     */
    void onClient(SessionCommand.FromClient command, Ack ack) {
        if (!spec.owner().binding(route.path()).equals(command.owner())) {
            // MCP security best practices: a session id alone must not let another user, another client
            // or a token for another route in. The answer is the same as for a session that does not exist.
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", spec.id())
                    .addKeyValue("user", spec.owner().email())
                    .log("refused a request for this session from another user, client or route");
            ack.fail(404, "Session not found: it ended or never existed");
            return;
        }
        if (command instanceof SessionCommand.Deliver deliver) {
            onClientJsonRpc(deliver, ack);
        } else if (command instanceof SessionCommand.Attach attach) {
            attach(attach.stream(), ack);
        } else if (command instanceof SessionCommand.Detach detach) {
            detach(detach.stream());
            ack.ok();
        } else if (command instanceof SessionCommand.Resume resume) {
            resume(resume, ack);
        } else if (command instanceof SessionCommand.Close close) {
            end(close.reason() == null ? "closed by client" : close.reason());
            ack.ok();
        }
    }

    private void onClientJsonRpc(SessionCommand.Deliver deliver, Ack ack) {
        if (state == State.ENDING || state == State.ENDED) {
            ack.fail(404, "session is ending");
            return;
        }
        // Parsed and checked by the edge (BusCodec hands the parsed message over).
        JsonRpcMessage rpc = deliver.message();
        lastActivity = host.nanoTime();
        heardFromClient = true;
        if (facts != null) {
            if (rpc.isInitialize()) {
                saveFacts(facts.withInitialize(rpc.raw()));
            } else if ("notifications/initialized".equals(rpc.method())) {
                saveFacts(facts.withInitialized());
            } else if (lastActivity - factsSavedAt
                    > route.sessions().idleTimeout().toNanos() / 2) {
                // Used, so kept: the stored facts live as long as the session's idle timeout.
                saveFacts(facts);
            }
        }
        StreamRef stream = deliver.stream();
        if (state == State.LINGERING) {
            String reason = ending.reason();
            beginEnd(reason);
            if (rpc.isRequest()) {
                Pending p = new Pending(rpc.idKey(), rpc.method(), toolName(rpc), stream, false, host.nanoTime());
                deliverResponse(
                        p,
                        JsonRpcErrors.error(
                                rpc.idKey(), JsonRpcErrors.BACKEND_UNAVAILABLE, "Session ended: " + reason));
                audit(p, "backend_failed", JsonRpcErrors.BACKEND_UNAVAILABLE);
            }
            ack.ok();
            host.undeploy();
            return;
        }
        RequestSpan span = RequestSpan.NONE;
        if (rpc.isRequest()) {
            String clientIdKey = null;
            if (modernClient()) {
                // Each POST stands alone: two requests of this user may carry the same id.
                clientIdKey = rpc.idKey();
                rpc = rpc.withIdKey("\"mf-" + (++localIds) + "\"");
            } else if (pending.containsKey(rpc.idKey())) {
                ack.fail(409, "request id " + rpc.idKey() + " is already in flight in this session");
                return;
            }
            Pending p =
                    new Pending(rpc.idKey(), rpc.method(), toolName(rpc), stream, deliver.jsonOnly(), host.nanoTime());
            p.visibility = deliver.visibility();
            p.clientIdKey = clientIdKey;
            p.span = metrics.tracing()
                    .start(
                            route.path(),
                            p.method,
                            p.tool,
                            clientEra().label(),
                            backend.era().label());
            span = p.span;
            p.progressToken = rpc.progressTokenKey();
            // A subscription stays open as long as its client wants it: no request timeout.
            p.timer = LISTEN.equals(rpc.method())
                    ? -1
                    : host.setTimer(route.sessions().requestTimeout().toMillis(), () -> timedOut(p));
            pending.put(p.idKey, p);
            if (p.progressToken != null) {
                progressTokens.put(p.progressToken, p.idKey);
            }
        } else if ("notifications/cancelled".equals(rpc.method())) {
            cancelledByClient(rpc);
        }
        // Acknowledge first: the edge starts the client's response on it, whatever the backend does.
        ack.ok();
        metrics.messageToBackend(route.path());
        // The backend request made within carries the span's traceparent (Tracing.inject).
        Scope scope = span.makeCurrent();
        try {
            if (deliver.paramHeaders() != null) {
                backend.send(rpc, deliver.paramHeaders());
            } else {
                backend.send(rpc);
            }
        } finally {
            scope.close();
        }
    }

    private void attach(StreamRef stream, Ack ack) {
        if (standalone != null && !standalone.equals(stream)) {
            // A Streamable HTTP session keeps one GET stream while its connection holds; a legacy session has
            // only its stream, so the client's newest connection takes it over; a stream inherited from a dead
            // instance (adoption) gives way to the client's new one.
            if (!standaloneInherited && buffers.held(standalone) && spec.clientTransport() != ClientTransport.SSE) {
                ack.fail(409, "this session already has a stream for server messages");
                return;
            }
            // The client lost its stream and opens a new one instead of resuming: what the old one
            // kept belongs to it alone (the spec forbids replaying it elsewhere).
            buffers.forget(standalone);
        }
        standalone = keyedIfLegacy(stream);
        standaloneInherited = false;
        if (facts != null && !standalone.equals(facts.standalone())) {
            saveFacts(facts.withStandalone(standalone));
        }
        ack.ok();
        while (!undelivered.isEmpty() && standalone != null) {
            toStream(standalone, undelivered.poll(), false);
        }
    }

    private void detach(StreamRef stream) {
        if (stream == null) {
            return;
        }
        if (standalone != null
                && standalone.inbox().equals(stream.inbox())
                && standalone.streamId().equals(stream.streamId())) {
            // The same connection: the edge of a legacy stream does not know the key the session gave it.
            stream = standalone;
        }
        if (buffers.detached(stream)) {
            // A resumable stream: what it is sent from now on is kept for its client to resume with
            // Last-Event-ID; requests on it stay in flight (a lost connection is no cancellation).
            return;
        }
        if (stream.equals(standalone)) {
            standalone = null;
            if (facts != null) {
                saveFacts(facts.withStandalone(null));
            }
        }
        List<Pending> cancelled = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (stream.equals(p.stream)) {
                p.streamAlive = false;
                if (modernClient()) {
                    cancelled.add(p);
                }
            }
        }
        // MCP 2026-07-28: a client that closes a request's stream has cancelled the request.
        for (Pending p : cancelled) {
            pending.remove(p.idKey);
            finished(p);
            audit(p, "cancelled", null);
            backend.send(JsonRpcMessage.cancelled(p.idKey, "the client closed the request's stream"));
        }
    }

    private void cancelledByClient(JsonRpcMessage rpc) {
        String idKey = JsonRpcMessage.idKeyOf(rpc.params().getValue("requestId"));
        Pending p = idKey == null ? null : pending.remove(idKey);
        if (p != null) {
            finished(p);
            audit(p, "cancelled", null);
            // The cancelled request gets no response, so its stream would otherwise stay open.
            if (p.stream != null && p.streamAlive && !hasPendingOn(p.stream)) {
                endStream(p.stream, "request cancelled");
            }
        }
    }

    // ---- backend side -----------------------------------------------------------------------

    @Override
    public void onMessage(String raw, String relatedIdKey) {
        lastActivity = host.nanoTime();
        heardFromBackend = true;
        metrics.messageToClient(route.path());
        JsonRpcMessage rpc;
        try {
            rpc = JsonRpcMessage.parse(raw);
        } catch (JsonRpcException e) {
            // A process stopped mid-write leaves half a line behind: expected once the session ends.
            boolean expected = state == State.ENDING || state == State.ENDED;
            log.atLevel(expected ? Level.DEBUG : Level.WARN)
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", spec.id())
                    .addKeyValue("problem", e.getMessage())
                    .log("backend sent something that is not a JSON-RPC message; dropped");
            return;
        }
        if (rpc.isResponse()) {
            Pending p = pending.remove(rpc.idKey());
            if (p == null) {
                log.atDebug()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", spec.id())
                        .addKeyValue("id", rpc.idKey())
                        .log("response to no request in flight; dropped");
                return;
            }
            finished(p);
            if (p.isInitialize()) {
                readProtocolVersion(rpc);
            }
            // A list answer loses what the route's access rules hide from this request's user.
            deliverResponse(p, ListFilter.filterResponse(p.method, raw, p.visibility));
            auditResponse(p, rpc);
            return;
        }
        String related = relatedIdKey;
        if (related == null && "notifications/progress".equals(rpc.method())) {
            related = progressTokens.get(JsonRpcMessage.idKeyOf(rpc.params().getValue("progressToken")));
        }
        Pending p = related == null ? null : pending.get(related);
        if (p != null && p.stream != null && p.streamAlive && !p.jsonOnly) {
            toStream(p.stream, raw, false);
        } else {
            toStandalone(raw);
        }
    }

    @Override
    public void onInFlightLost(String reason) {
        metrics.backendError(route.path(), "stream_closed");
        for (Pending p : List.copyOf(pending.values())) {
            if (LISTEN.equals(p.method)) {
                continue;
            }
            pending.remove(p.idKey);
            finished(p);
            deliverResponse(
                    p, JsonRpcErrors.error(p.idKey, JsonRpcErrors.BACKEND_UNAVAILABLE, "Backend error: " + reason));
            audit(p, "backend_failed", JsonRpcErrors.BACKEND_UNAVAILABLE);
        }
    }

    @Override
    public void onUpstreamReopened(String reason) {
        metrics.backendError(route.path(), "session_reopened");
        log.atWarn()
                .addKeyValue("route", route.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("user", spec.owner().email())
                .addKeyValue("reason", reason)
                .log("the backend forgot this session; a new upstream session carries it on");
        Audit.upstreamReopened(spec.owner().email(), spec.owner().clientId(), route.path(), spec.id(), reason);
    }

    @Override
    public void onBackendReachable(boolean reachable, String detail) {
        if (!reachable) {
            metrics.backendError(route.path(), "connect");
        }
        Audit.backendReachable(
                spec.owner().email(), spec.owner().clientId(), route.path(), spec.id(), reachable, detail);
    }

    @Override
    public void onUpstreamSession(String upstreamSessionId) {
        if (facts != null && !upstreamSessionId.equals(facts.upstreamSessionId())) {
            saveFacts(facts.withUpstreamSessionId(upstreamSessionId));
        }
    }

    private void saveFacts(SessionFacts next) {
        if (next == null) {
            return;
        }
        facts = next;
        if (state == State.OPEN) {
            factsSavedAt = host.nanoTime();
            host.saveFacts(next, route.sessions().idleTimeout().toMillis());
        }
    }

    @Override
    public boolean awaitingResponse(String idKey) {
        return pending.containsKey(idKey);
    }

    @Override
    public String clientIdKey(String idKey) {
        Pending p = pending.get(idKey);
        return p == null || p.clientIdKey == null ? idKey : p.clientIdKey;
    }

    @Override
    public void onRequestFailed(String idKey, String reason) {
        metrics.backendError(route.path(), "status");
        Pending p = pending.remove(idKey);
        if (p == null) {
            return;
        }
        finished(p);
        log.atWarn()
                .addKeyValue("route", route.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("method", p.method)
                .addKeyValue("reason", reason)
                .log("backend request failed");
        deliverResponse(p, JsonRpcErrors.error(idKey, JsonRpcErrors.BACKEND_UNAVAILABLE, "Backend error: " + reason));
        audit(p, "backend_failed", JsonRpcErrors.BACKEND_UNAVAILABLE);
    }

    @Override
    public void onFailure(String kind, String reason) {
        if (state == State.STARTING) {
            failureWhileStarting = reason;
            return;
        }
        if (state != State.OPEN) {
            return;
        }
        metrics.backendError(route.path(), kind);
        log.atError()
                .addKeyValue("route", route.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("kind", kind)
                .addKeyValue("reason", reason)
                .addKeyValue("in_flight", pending.size())
                .log("backend failed; ending session");
        String why = "backend " + route.path() + " failed: " + reason;
        // A replacement that failed before it answered (kind "start") is a start failure like a first one:
        // the supervisor backs the route off.
        boolean startFailed = !heardFromBackend || START.equals(kind);
        ending = new Ending(why, true, startFailed ? reason : null);
        if (!heardFromClient) {
            // The client has a session id but has not sent anything yet (its initialize is on the
            // way): stay a moment to answer it with the reason rather than a bare 404.
            state = State.LINGERING;
            host.setTimer(LINGER_MS, () -> end(why));
            return;
        }
        end(why);
    }

    // ---- delivery ---------------------------------------------------------------------------

    private void deliverResponse(Pending p, String raw) {
        p.span.endWith(raw);
        if (p.clientIdKey != null) {
            raw = withId(raw, p.clientIdKey);
        }
        if (p.stream == null) {
            toStandalone(raw);
        } else if (p.streamAlive) {
            toStream(p.stream, raw, !hasPendingOn(p.stream));
        }
        // A response for a client that went away has nowhere to go: the spec forbids sending it on
        // any other stream, and without resumability it cannot be replayed.
    }

    private void toStandalone(String raw) {
        if (modernClient()) {
            // 2026-07-28 has no stream for messages that belong to no request; the bridge to the
            // backend already turned what the client subscribed to into messages of its listen request.
            log.atDebug()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", spec.id())
                    .log("a backend message that belongs to no request of a 2026-07-28 client; dropped");
            return;
        }
        if (standalone != null) {
            toStream(standalone, raw, false);
            return;
        }
        if (undelivered.size() >= MAX_UNDELIVERED) {
            undelivered.poll();
            if (!droppedWarned) {
                droppedWarned = true;
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", spec.id())
                        .log("no client stream takes server messages; dropping the oldest");
            }
        }
        undelivered.add(raw);
    }

    /**
     * The one way a message reaches a client stream: on a resumable stream with its event id, kept for
     * a resume, and to the connection that holds the stream now (none while its client is away).
     *
     * @param last the message finishes a POST's stream
     */
    void toStream(StreamRef stream, String raw, boolean last) {
        buffers.send(stream, raw, last);
    }

    /** The one way a client stream is told it is over (the connection that holds it now, if any). */
    void endStream(StreamRef stream, String reason) {
        StreamRef holder = buffers.target(stream);
        if (holder != null) {
            host.deliver(holder, new StreamEvent.End(holder.streamId(), reason));
        }
    }

    /**
     * A client reconnected with {@code Last-Event-ID} (2025-11-25 resumability; legacy SSE too): the new
     * connection takes over the stream that id belongs to and gets what it missed, then live events.
     * A stream this session no longer knows starts afresh as the stream for server messages when the
     * id was one of those; a POST's stream cannot, and the edge opens a fresh stream instead.
     */
    private void resume(SessionCommand.Resume resume, Ack ack) {
        if (state == State.ENDING || state == State.ENDED) {
            ack.fail(404, "Session not found: it ended or never existed");
            return;
        }
        EventIds.Position position = EventIds.parse(resume.lastEventId());
        StreamRef connection = resume.stream();
        if (position == null
                || !position.sessionId().equals(spec.id())
                || !position.key().equals(connection.key())) {
            ack.fail(400, "Bad request: Last-Event-ID is not an event of this session");
            return;
        }
        boolean forServerMessages = position.kind() != EventIds.POST;
        if (forServerMessages
                && standalone != null
                && !position.key().equals(standalone.key())
                && buffers.held(standalone)
                && spec.clientTransport() != ClientTransport.SSE) {
            ack.fail(409, "this session already has a stream for server messages");
            return;
        }
        lastActivity = host.nanoTime();
        buffers.resume(position.key(), position.seq(), connection).onComplete(done -> {
            if (state == State.ENDING || state == State.ENDED) {
                ack.fail(404, "Session not found: it ended or never existed");
                return;
            }
            SessionCommand.Resumed how = done.succeeded() ? done.result() : SessionCommand.Resumed.UNKNOWN;
            if (how == SessionCommand.Resumed.UNKNOWN) {
                // The edge opens a fresh stream (with a new key, so that no event id is used twice).
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", spec.id())
                        .addKeyValue("user", spec.owner().email())
                        .addKeyValue("last_event_id", resume.lastEventId())
                        .log("a client resumes a stream whose events are no longer kept; it starts afresh");
                ack.ok(how.name());
                return;
            }
            if (forServerMessages) {
                if (standalone != null && !position.key().equals(standalone.key())) {
                    buffers.forget(standalone);
                }
                standalone = connection;
            }
            ack.ok(how.name());
            if (forServerMessages) {
                while (!undelivered.isEmpty()) {
                    toStream(standalone, undelivered.poll(), false);
                }
            }
        });
    }

    /**
     * A legacy SSE stream gets its resumable key here, where the session id is known (the edge opens
     * the stream before there is a session).
     */
    private StreamRef keyedIfLegacy(StreamRef stream) {
        if (stream == null || stream.resumable() || spec.clientTransport() != ClientTransport.SSE) {
            return stream;
        }
        return new StreamRef(stream.inbox(), stream.streamId(), EventIds.newKey(spec.id(), EventIds.SSE));
    }

    private boolean hasPendingOn(StreamRef stream) {
        for (Pending p : pending.values()) {
            if (stream.equals(p.stream)) {
                return true;
            }
        }
        return false;
    }

    private void finished(Pending p) {
        cancelTimer(p);
        if (p.progressToken != null) {
            progressTokens.remove(p.progressToken);
        }
        metrics.requestCompleted(
                route.path(), p.method, clientEra().label(), backend.era().label(), host.nanoTime() - p.startedAt);
    }

    private void cancelTimer(Pending p) {
        if (p.timer >= 0) {
            host.cancelTimer(p.timer);
            p.timer = -1;
        }
    }

    private boolean modernClient() {
        return spec.clientTransport() == ClientTransport.MODERN;
    }

    private Era clientEra() {
        return modernClient() ? Era.MODERN : Era.LEGACY;
    }

    /** {@code raw} with its id replaced by {@code idKey} (JSON text): the client's own id, put back. */
    private static String withId(String raw, String idKey) {
        JsonObject json = new JsonObject(raw);
        json.put("id", Json.decodeValue(idKey));
        return json.encode();
    }

    private void timedOut(Pending p) {
        if (pending.remove(p.idKey) == null) {
            return;
        }
        p.timer = -1;
        finished(p);
        metrics.backendError(route.path(), "timeout");
        log.atWarn()
                .addKeyValue("route", route.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("method", p.method)
                .addKeyValue("timeout", route.sessions().requestTimeout().toString())
                .log("request timed out");
        deliverResponse(
                p,
                JsonRpcErrors.error(
                        p.idKey,
                        JsonRpcErrors.REQUEST_TIMEOUT,
                        "Request timed out after "
                                + route.sessions().requestTimeout().toSeconds() + " s (route " + route.path() + ")"));
        audit(p, "timeout", JsonRpcErrors.REQUEST_TIMEOUT);
        // Tell the backend to stop working on it: nobody waits for the answer any more.
        backend.send(JsonRpcMessage.cancelled(p.idKey, "timed out in mcp-front"));
    }

    /** {@code params.name} of a tools/call, null for any other method: only tool calls are audited. */
    private static String toolName(JsonRpcMessage rpc) {
        if (!"tools/call".equals(rpc.method())) {
            return null;
        }
        return Audit.toolName(rpc.params());
    }

    private void auditResponse(Pending p, JsonRpcMessage response) {
        if (p.tool == null) {
            return;
        }
        JsonObject json = response.json();
        if (json.containsKey("error")) {
            Object code = json.getValue("error") instanceof JsonObject error ? error.getValue("code") : null;
            audit(p, "error", code instanceof Number number ? number.intValue() : null);
        } else {
            boolean toolError = json.getValue("result") instanceof JsonObject result
                    && Boolean.TRUE.equals(result.getValue("isError"));
            audit(p, toolError ? "tool_error" : "ok", null);
        }
    }

    /** The audit line of a tools/call that got its answer, or never will. */
    private void audit(Pending p, String outcome, Integer errorCode) {
        if (p.tool != null) {
            Audit.toolCall(
                    spec.owner().email(),
                    spec.owner().clientId(),
                    route.path(),
                    spec.id(),
                    p.tool,
                    (host.nanoTime() - p.startedAt) / 1_000_000,
                    outcome,
                    errorCode,
                    clientEra().label(),
                    backend.era().label(),
                    p.visibility.decide(Kind.TOOL, p.tool).rule());
        }
    }

    private void readProtocolVersion(JsonRpcMessage response) {
        JsonObject result = response.json().getJsonObject("result");
        String version = result == null ? null : result.getString("protocolVersion");
        if (version != null) {
            backend.protocolVersion(version);
            if (facts != null) {
                saveFacts(facts.withProtocolVersion(version));
            }
        }
    }

    // ---- idle timeout -----------------------------------------------------------------------

    private void scheduleIdleCheck(long delayMillis) {
        idleTimer = host.setTimer(Math.max(1, delayMillis), this::checkIdle);
    }

    private void checkIdle() {
        idleTimer = -1;
        if (state != State.OPEN) {
            return;
        }
        long timeout = route.sessions().idleTimeout().toMillis();
        if (!pending.isEmpty()) {
            // A request in flight is bounded by request_timeout, not by the idle timeout.
            scheduleIdleCheck(timeout);
            return;
        }
        long idle = (host.nanoTime() - lastActivity) / 1_000_000;
        if (idle >= timeout) {
            end("idle for " + route.sessions().idleTimeout().toSeconds() + " s");
        } else {
            scheduleIdleCheck(timeout - idle);
        }
    }

    /** A client request waiting for its response. */
    private static final class Pending {
        final String idKey;
        final String method;
        /** The tool's name for a tools/call, else null. */
        final String tool;

        final StreamRef stream;
        final boolean jsonOnly;
        final long startedAt;
        long timer = -1;
        String progressToken;
        /** The id the client gave it, when the session gave it one of its own (2026-07-28 clients). */
        String clientIdKey;

        boolean streamAlive = true;
        RequestSpan span = RequestSpan.NONE;
        /** What the user who sent it may see (from the edge, with the configuration in force then). */
        Visibility visibility = Visibility.ALL;

        Pending(String idKey, String method, String tool, StreamRef stream, boolean jsonOnly, long startedAt) {
            this.idKey = idKey;
            this.method = method;
            this.tool = tool;
            this.stream = stream;
            this.jsonOnly = jsonOnly;
            this.startedAt = startedAt;
        }

        boolean isInitialize() {
            return "initialize".equals(method);
        }
    }
}
