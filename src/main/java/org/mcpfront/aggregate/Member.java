package org.mcpfront.aggregate;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mcpfront.access.Visibility;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.session.Backend;
import org.mcpfront.session.BackendListener;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * One member route inside an aggregate session: its own backend (made by the ordinary factory, so a 2026
 * member is bridged and a stdio member gets its process), opened and initialized in the client's name when
 * the aggregate needs it, and the requests the aggregate sent it by the ids it gave them. A member that
 * fails is down, not the session: its requests get errors and a later list tries it again.
 */
final class Member implements BackendListener {

    enum State {
        IDLE,
        STARTING,
        READY,
        DOWN
    }

    /** A request sent to this member: a client's (answered to the client) or the aggregate's own. */
    private record Sent(String clientIdKey, Promise<JsonObject> own) {}

    private final Vertx vertx;
    private final AggregateBackend aggregate;
    private final SessionSpec spec;
    private final MemberBackends backends;
    private final Map<String, Sent> sent = new HashMap<>();
    private Backend backend;
    /** Whether {@link #backend} was told to pause (and not yet to resume). */
    private boolean paused;

    private State state = State.IDLE;
    private String failure;
    private long failedAt;
    private Future<Void> starting;
    private Promise<Void> startDone;
    /** How the start under way failed, as the backend said (connect, start), for the member's error count. */
    private String startFailureKind = "start";
    /** Counts start attempts, so that a late step of an abandoned one does nothing. */
    private int attempt;

    private JsonObject initializeResult = new JsonObject();
    private Visibility visibility = Visibility.ALL;
    private boolean admitted = true;

    Member(Vertx vertx, AggregateBackend aggregate, SessionSpec memberSpec, MemberBackends backends) {
        this.vertx = vertx;
        this.aggregate = aggregate;
        this.spec = memberSpec;
        this.backends = backends;
    }

    /** The member's session spec: its route, the aggregate's owner, a 2025 client (the aggregate). */
    static SessionSpec spec(SessionSpec aggregate, RouteConfig member) {
        return new SessionSpec(
                aggregate.id() + "." + Names.member(member.path()),
                member,
                ClientTransport.STREAMABLE,
                null,
                aggregate.owner());
    }

    RouteConfig route() {
        return spec.route();
    }

    String path() {
        return spec.route().path();
    }

    String name() {
        return Names.member(path());
    }

    State state() {
        return state;
    }

    String failure() {
        return failure;
    }

    long failedAt() {
        return failedAt;
    }

    Visibility visibility() {
        return visibility;
    }

    boolean admitted() {
        return admitted;
    }

    /** What the member's access rules say about the aggregate's user now. */
    void access(boolean admitted, Visibility visibility) {
        this.admitted = admitted;
        this.visibility = visibility;
    }

    /** Whether the member declared the server capability {@code name} (tools, prompts, resources, logging). */
    boolean declares(String name) {
        return initializeResult.getJsonObject("capabilities", new JsonObject()).containsKey(name);
    }

    JsonObject initializeResult() {
        return initializeResult;
    }

    /**
     * Opens and initializes the member with the client's {@code initialize} params, unless it is ready or
     * starting already; fails with the reason after {@code timeoutMillis} or when the member cannot start.
     */
    Future<Void> start(JsonObject initializeParams, long timeoutMillis) {
        if (state == State.READY) {
            return Future.succeededFuture();
        }
        if (state == State.STARTING) {
            return starting;
        }
        State before = state;
        state = State.STARTING;
        startFailureKind = "start";
        int mine = ++attempt;
        Promise<Void> done = Promise.promise();
        startDone = done;
        starting = done.future();
        long timer = vertx.setTimer(
                timeoutMillis, t -> done.tryFail("did not answer initialize within " + timeoutMillis + " ms"));
        backends.open(spec)
                .compose(factory -> {
                    if (mine != attempt) {
                        return Future.failedFuture("abandoned");
                    }
                    backend = factory.apply(this);
                    return backend.open();
                })
                .compose(v -> request("initialize", initializeParams, timeoutMillis))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        done.tryFail(String.valueOf(ar.cause().getMessage()));
                        return;
                    }
                    if (mine != attempt) {
                        return;
                    }
                    initializeResult = ar.result();
                    backend.protocolVersion(initializeResult.getString("protocolVersion"));
                    send(JsonRpcMessage.of(
                            new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")));
                    done.tryComplete();
                });
        return starting.andThen(ar -> {
            vertx.cancelTimer(timer);
            if (mine != attempt) {
                return;
            }
            if (ar.succeeded()) {
                state = State.READY;
                failure = null;
                if (aggregate.paused()) {
                    // The client stopped reading while the member started: it is paused now that it answered.
                    pause();
                }
                aggregate.memberUp(this, before == State.DOWN);
            } else {
                down(startFailureKind, ar.cause().getMessage(), false);
            }
        });
    }

    /** Sends the aggregate's own request; completes with its result, fails with its error or the member's end. */
    Future<JsonObject> request(String method, JsonObject params, long timeoutMillis) {
        Promise<JsonObject> own = Promise.promise();
        String id = aggregate.nextId();
        sent.put(id, new Sent(null, own));
        long timer = vertx.setTimer(timeoutMillis, t -> {
            sent.remove(id);
            own.tryFail("did not answer " + method + " within " + timeoutMillis + " ms");
        });
        own.future().onComplete(ar -> vertx.cancelTimer(timer));
        send(JsonRpcMessage.of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", Json.decodeValue(id))
                .put("method", method)
                .put("params", params)));
        return own.future();
    }

    /** Forwards a client's request, under an id of the aggregate's, whose answer goes to {@code clientIdKey}. */
    void forward(JsonRpcMessage request, String clientIdKey) {
        String id = aggregate.nextId();
        sent.put(id, new Sent(clientIdKey, null));
        send(request.withIdKey(id));
    }

    /** The client cancelled its request: if it is in flight here, the member is told under its id. */
    void cancel(String clientIdKey, String reason) {
        for (Map.Entry<String, Sent> entry : sent.entrySet()) {
            if (clientIdKey.equals(entry.getValue().clientIdKey())) {
                sent.remove(entry.getKey());
                send(JsonRpcMessage.cancelled(entry.getKey(), reason));
                return;
            }
        }
    }

    void send(JsonRpcMessage message) {
        if (backend != null) {
            backend.send(message);
        }
    }

    /**
     * The aggregate's client stopped reading: the member's backend is paused, once it is ready (one paused before
     * it answered the aggregate's initialize would never answer it).
     */
    void pause() {
        if (state == State.READY && backend != null && !paused) {
            paused = true;
            backend.pause();
        }
    }

    void resume() {
        if (paused) {
            paused = false;
            if (backend != null) {
                backend.resume();
            }
        }
    }

    /** The member failed ({@code kind} as a session's backend errors count): its requests fail, its backend closes,
     * and it is down until a later start. */
    void down(String kind, String reason, boolean wasReady) {
        state = State.DOWN;
        failure = reason;
        failedAt = System.nanoTime();
        attempt++;
        failAll(reason);
        Backend gone = backend;
        backend = null;
        paused = false;
        if (gone != null) {
            gone.close();
        }
        aggregate.memberDown(this, kind, reason, wasReady);
    }

    Future<Void> close() {
        attempt++;
        Backend gone = backend;
        backend = null;
        paused = false;
        state = State.IDLE;
        return gone == null ? Future.succeededFuture() : gone.close();
    }

    private void failAll(String reason) {
        List<Map.Entry<String, Sent>> all = new ArrayList<>(sent.entrySet());
        sent.clear();
        for (Map.Entry<String, Sent> entry : all) {
            fail(entry.getValue(), reason);
        }
    }

    private void fail(Sent request, String reason) {
        if (request.own() != null) {
            request.own().tryFail(reason);
        } else {
            aggregate.clientRequestFailed(this, request.clientIdKey(), reason);
        }
    }

    // ---- what the member's backend reports -------------------------------------------------

    @Override
    public void onMessage(String raw, String relatedIdKey) {
        JsonRpcMessage message;
        try {
            message = JsonRpcMessage.parse(raw);
        } catch (JsonRpcException e) {
            aggregate.unreadable(this, e.getMessage());
            return;
        }
        if (message.isResponse()) {
            Sent request = sent.remove(message.idKey());
            if (request == null) {
                return;
            }
            if (request.own() == null) {
                aggregate.answerFromMember(message, request.clientIdKey());
            } else if (message.json().getValue("result") instanceof JsonObject result) {
                request.own().tryComplete(result);
            } else {
                JsonObject error = message.json().getJsonObject("error", new JsonObject());
                request.own().tryFail(error.getString("message", "error " + error.getValue("code")));
            }
            return;
        }
        Sent related = relatedIdKey == null ? null : sent.get(relatedIdKey);
        aggregate.fromMember(this, message, related == null ? null : related.clientIdKey());
    }

    @Override
    public boolean awaitingResponse(String idKey) {
        Sent request = sent.get(idKey);
        return request != null && (request.clientIdKey() == null || aggregate.awaitingResponse(request.clientIdKey()));
    }

    @Override
    public String clientIdKey(String idKey) {
        Sent request = sent.get(idKey);
        return request == null || request.clientIdKey() == null ? idKey : aggregate.clientIdKey(request.clientIdKey());
    }

    @Override
    public void onRequestFailed(String idKey, String reason) {
        Sent request = sent.remove(idKey);
        if (request != null) {
            fail(request, reason);
        }
    }

    @Override
    public void onInFlightLost(String reason) {
        failAll(reason);
    }

    @Override
    public void onFailure(String kind, String reason) {
        if (state == State.STARTING) {
            startFailureKind = kind;
            startDone.tryFail(reason);
            return;
        }
        if (state == State.READY) {
            down(kind, reason, true);
        }
    }
}
