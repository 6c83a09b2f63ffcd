package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.protocol.Envelope;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.McpErrors;
import org.mcpfront.protocol.ProtocolVersions;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session of a 2025 client on a route whose backend speaks 2026-07-28 (an HTTP backend, or a stdio
 * process that refused {@code initialize} naming 2026-07-28). mcp-front keeps the client's session
 * itself: it answers {@code initialize} from the backend's {@code server/discover}, sends every request
 * with the envelope of the client's {@code initialize} (and the log level it set), feeds the client's
 * stream from a {@code subscriptions/listen} of what the backend can announce, answers {@code ping},
 * and turns an input-required result into server→client requests on the client's session, re-sending
 * the call with the answers and the backend's {@code requestState} once all are in.
 *
 * <p>With {@code probing}, the client's own {@code initialize} goes to the process first and the
 * session only turns into a bridge if the process refuses it naming 2026-07-28.
 */
final class LegacyClientBridge implements Backend, BackendListener {

    private static final Logger log = LoggerFactory.getLogger(LegacyClientBridge.class);
    private static final Map<String, String> LIST_FLAGS =
            Map.of("tools", "toolsListChanged", "prompts", "promptsListChanged", "resources", "resourcesListChanged");

    private static final long FIRST_RELISTEN_MS = 1_000;
    private static final long MAX_RELISTEN_MS = 30_000;

    private final Vertx vertx;
    private final RouteConfig route;
    private final String session;
    private final BackendListener listener;
    private final Backend raw;
    private boolean modern;
    private boolean probing;
    private JsonRpcMessage clientInitialize;
    private JsonObject capabilities = new JsonObject();
    private JsonObject clientInfo;
    private String logLevel;
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private String listenId;
    /** Consecutive times the backend ended the subscription; the next re-open waits longer. */
    private int listenEnded;

    private long relistenTimer = -1;
    private boolean closing;
    /** An adopted bridge: the backend's capabilities are asked again once open, and then maybe listened to. */
    private boolean rediscover;

    private boolean listenOnceDiscovered;
    /** The backend's capabilities, from its discovery: what the client's initialize was answered with. */
    private JsonObject offered = new JsonObject();

    private long upstreamIds;
    /** Upstream id → the call it carries (the client's id, and the request as the client sent it). */
    private final Map<String, Call> calls = new HashMap<>();
    /** Ids of the server→client requests mcp-front sent the client → the round they belong to. */
    private final Map<String, Round> asking = new HashMap<>();

    private record Call(String clientIdKey, JsonRpcMessage request) {}

    /** One input-required result being answered by the client: its questions, answers so far, state. */
    private static final class Round {
        final Call call;
        final String requestState;
        final Map<String, String> keysById = new HashMap<>();
        final JsonObject answers = new JsonObject();

        Round(Call call, String requestState) {
            this.call = call;
            this.requestState = requestState;
        }
    }

    /**
     * @param probing the era is not known yet: pass the client's initialize through first
     */
    LegacyClientBridge(
            Vertx vertx,
            RouteConfig route,
            String session,
            BackendListener listener,
            Function<BackendListener, Backend> raw,
            boolean probing) {
        this.vertx = vertx;
        this.route = route;
        this.session = session;
        this.listener = listener;
        this.raw = raw.apply(this);
        this.probing = probing;
        this.modern = !probing;
    }

    @Override
    public Future<Void> open() {
        return raw.open().onSuccess(opened -> {
            if (rediscover) {
                discover(null);
            }
        });
    }

    @Override
    public Era era() {
        return modern ? Era.MODERN : Era.LEGACY;
    }

    /**
     * Carries on a session adopted from an instance that died. A process whose era was to be found at
     * initialize is carried on as 2025: its new instance is initialized with the client's cached initialize
     * (a process that speaks only 2026-07-28 refuses it, and the session ends as one whose restart failed).
     * A bridge to a 2026-07-28 backend has nothing upstream to take over: it takes the client's initialize
     * from the facts, asks the backend's capabilities again once open, and reopens the subscription that feeds
     * the client's stream. Lost with the old instance: a log level the client set, its resource subscriptions
     * and calls in flight (their clients were told so).
     */
    @Override
    public boolean resume(SessionFacts facts) {
        if (probing) {
            probing = false;
            return raw.resume(facts);
        }
        if (facts.initialize() == null) {
            return false;
        }
        try {
            clientInitialize = JsonRpcMessage.parse(facts.initialize());
        } catch (JsonRpcException e) {
            return false;
        }
        JsonObject params = clientInitialize.params();
        capabilities = params.getValue("capabilities") instanceof JsonObject c ? c.copy() : new JsonObject();
        clientInfo = params.getValue("clientInfo") instanceof JsonObject i ? i.copy() : null;
        rediscover = true;
        listenOnceDiscovered = facts.initialized();
        return true;
    }

    @Override
    public void protocolVersion(String version) {
        if (!modern) {
            raw.protocolVersion(version);
        }
    }

    @Override
    public void pause() {
        raw.pause();
    }

    @Override
    public void resume() {
        raw.resume();
    }

    @Override
    public Future<Void> close() {
        closing = true;
        if (relistenTimer >= 0) {
            vertx.cancelTimer(relistenTimer);
        }
        return raw.close();
    }

    // ---- from the client ----------------------------------------------------------------------

    @Override
    public void send(JsonRpcMessage message) {
        if (message.isInitialize()) {
            clientInitialize = message;
            JsonObject params = message.params();
            capabilities = params.getValue("capabilities") instanceof JsonObject c ? c.copy() : new JsonObject();
            clientInfo = params.getValue("clientInfo") instanceof JsonObject i ? i.copy() : null;
            if (probing) {
                raw.send(message);
            } else {
                discover(message);
            }
            return;
        }
        if (!modern) {
            raw.send(message);
            return;
        }
        if (message.isResponse()) {
            answered(message);
            return;
        }
        if (!message.isRequest()) {
            switch (message.method()) {
                case "notifications/initialized" -> listen();
                case "notifications/cancelled" -> cancelled(message);
                default ->
                    log.atDebug()
                            .addKeyValue("route", route.path())
                            .addKeyValue("method", message.method())
                            .log("a 2025 notification with no 2026-07-28 counterpart; not sent");
            }
            return;
        }
        switch (message.method()) {
            case "ping" -> answer(message.idKey(), new JsonObject());
            case "logging/setLevel" -> {
                logLevel = message.params().getString("level");
                answer(message.idKey(), new JsonObject());
            }
            case "resources/subscribe", "resources/unsubscribe" -> {
                String uri = message.params().getString("uri");
                boolean changed = "resources/subscribe".equals(message.method())
                        ? subscriptions.add(uri)
                        : subscriptions.remove(uri);
                answer(message.idKey(), new JsonObject());
                if (changed) {
                    listen();
                }
            }
            default -> call(new Call(message.idKey(), message), null, null);
        }
    }

    /** Asks the backend what it offers: for the client's {@code initialize}, or (null) for an adopted session. */
    private void discover(JsonRpcMessage initialize) {
        JsonObject request = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", nextId())
                .put("method", "server/discover")
                .put("params", envelope().applyTo(null));
        calls.put(
                JsonRpcMessage.idKeyOf(request.getValue("id")),
                initialize == null ? new Call(null, clientInitialize) : new Call(initialize.idKey(), initialize));
        raw.send(JsonRpcMessage.of(request));
    }

    private Envelope envelope() {
        return Envelope.forClient(capabilities, clientInfo, logLevel);
    }

    private String nextId() {
        return "mf-" + (++upstreamIds);
    }

    /** Sends a call upstream under a new id, with the envelope and, on a retry, the client's answers. */
    private void call(Call call, JsonObject answers, String requestState) {
        JsonObject params = envelope().applyTo(call.request().params());
        if (answers != null) {
            params.put("inputResponses", answers);
        }
        if (requestState != null) {
            params.put("requestState", requestState);
        }
        String id = nextId();
        JsonObject json = call.request().json().copy().put("id", id).put("params", params);
        calls.put(JsonRpcMessage.idKeyOf(id), call);
        raw.send(JsonRpcMessage.of(json));
    }

    /** Opens (or re-opens, with a new filter) the subscription that feeds the client's stream. */
    private void listen() {

        JsonObject filter = new JsonObject();
        LIST_FLAGS.forEach((area, flag) -> {
            if (offered.getValue(area) instanceof JsonObject a && Boolean.TRUE.equals(a.getValue("listChanged"))) {
                filter.put(flag, true);
            }
        });
        if (!subscriptions.isEmpty()) {
            filter.put("resourceSubscriptions", new JsonArray(List.copyOf(subscriptions)));
        }
        if (listenId != null) {
            cancelUpstream(listenId, "the subscription changed");
            listenId = null;
        }
        if (filter.isEmpty()) {
            return;
        }
        String id = nextId();
        listenId = JsonRpcMessage.idKeyOf(id);
        raw.send(JsonRpcMessage.of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", "subscriptions/listen")
                .put("params", envelope().applyTo(new JsonObject().put("notifications", filter)))));
    }

    private void cancelled(JsonRpcMessage notice) {
        String clientId = JsonRpcMessage.idKeyOf(notice.params().getValue("requestId"));
        calls.entrySet().stream()
                .filter(e -> clientId.equals(e.getValue().clientIdKey()))
                .map(Map.Entry::getKey)
                .findFirst()
                .ifPresent(upstream -> {
                    calls.remove(upstream);
                    cancelUpstream(upstream, notice.params().getString("reason", "cancelled by the client"));
                });
    }

    private void cancelUpstream(String upstreamId, String reason) {
        raw.send(JsonRpcMessage.cancelled(upstreamId, reason));
    }

    /** The client answered one of the questions of an input-required result. */
    private void answered(JsonRpcMessage response) {
        Round round = asking.remove(response.idKey());
        if (round == null) {
            return;
        }
        String key = round.keysById.remove(response.idKey());
        if (response.json().getValue("result") instanceof JsonObject result) {
            round.answers.put(key, result);
        }
        if (round.keysById.isEmpty()) {
            call(round.call, round.answers, round.requestState);
        }
    }

    // ---- from the backend ---------------------------------------------------------------------

    @Override
    public void onMessage(String text, String relatedIdKey) {
        if (!modern) {
            if (probing && clientInitialize != null && isRefusalNamingModern(text, clientInitialize.idKey())) {
                probing = false;
                modern = true;
                log.atInfo()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", session)
                        .log("the process speaks 2026-07-28; bridging the 2025 client");
                discover(clientInitialize);
                return;
            }
            probing = false;
            listener.onMessage(text, relatedIdKey);
            return;
        }
        JsonRpcMessage message;
        try {
            message = JsonRpcMessage.parse(text);
        } catch (JsonRpcException e) {
            listener.onMessage(text, relatedIdKey);
            return;
        }
        if (message.isResponse()) {
            fromBackendResponse(message);
            return;
        }
        if ("notifications/subscriptions/acknowledged".equals(message.method())) {
            return;
        }
        Call call = relatedIdKey == null ? null : calls.get(relatedIdKey);
        if (call != null && call.request().isInitialize()) {
            return;
        }
        if (relatedIdKey != null && relatedIdKey.equals(listenId)) {
            listenEnded = 0;
            listener.onMessage(text, null);
            return;
        }
        listener.onMessage(text, call == null ? null : call.clientIdKey());
    }

    private static boolean isRefusalNamingModern(String text, String idKey) {
        try {
            JsonRpcMessage message = JsonRpcMessage.parse(text);
            return message.isResponse() && idKey.equals(message.idKey()) && McpErrors.offersModern(message.json());
        } catch (JsonRpcException e) {
            return false;
        }
    }

    private void fromBackendResponse(JsonRpcMessage response) {
        if (response.idKey().equals(listenId)) {
            listenEnded("the backend closed the subscription");
            return;
        }
        Call call = calls.remove(response.idKey());
        if (call == null) {
            return;
        }
        JsonObject json = response.json();
        if (call.request().isInitialize() && call.clientIdKey() == null) {
            rediscovered(json);
            return;
        }
        if (call.request().isInitialize()) {
            listener.onMessage(initializeAnswer(call, json).encode(), call.clientIdKey());
            return;
        }
        if (json.getValue("result") instanceof JsonObject result
                && "input_required".equals(result.getString("resultType"))) {
            ask(call, result);
            return;
        }
        // The top level copied only: the id is all that changes.
        JsonObject copy =
                new JsonObject(new LinkedHashMap<>(json.getMap())).put("id", Json.decodeValue(call.clientIdKey()));
        listener.onMessage(JsonRpcMessage.of(copy), call.clientIdKey());
    }

    /** An adopted session's rediscovery: what the backend offers now, and its subscription if the client had one. */
    private void rediscovered(JsonObject discover) {
        rediscover = false;
        if (!(discover.getValue("result") instanceof JsonObject result)) {
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .log("the backend's server/discover failed for an adopted session; its stream gets no updates");
            return;
        }
        offered = result.getJsonObject("capabilities", new JsonObject()).copy();
        if (listenOnceDiscovered) {
            listen();
        }
    }

    private JsonObject initializeAnswer(Call call, JsonObject discover) {
        JsonObject answer = new JsonObject().put("jsonrpc", "2.0").put("id", Json.decodeValue(call.clientIdKey()));
        if (!(discover.getValue("result") instanceof JsonObject result)) {
            return answer.put(
                    "error",
                    discover.getValue("error") instanceof JsonObject e
                            ? e.copy()
                            : new JsonObject()
                                    .put("code", -32603)
                                    .put("message", "the backend's server/discover failed"));
        }
        offered = result.getJsonObject("capabilities", new JsonObject()).copy();
        JsonObject serverInfo = result.getValue("_meta") instanceof JsonObject meta
                        && meta.getValue(Envelope.SERVER_INFO) instanceof JsonObject info
                ? info.copy()
                : new JsonObject().put("name", route.name()).put("version", "unknown");
        JsonObject initialized = new JsonObject()
                .put(
                        "protocolVersion",
                        ProtocolVersions.negotiateLegacy(call.request().params().getString("protocolVersion")))
                .put("capabilities", offered.copy())
                .put("serverInfo", serverInfo);
        if (result.getValue("instructions") instanceof String instructions) {
            initialized.put("instructions", instructions);
        }
        return answer.put("result", initialized);
    }

    /** Turns an input-required result into server→client requests on the client's session. */
    private void ask(Call call, JsonObject result) {
        JsonObject requests = result.getValue("inputRequests") instanceof JsonObject r ? r : new JsonObject();
        Round round = new Round(call, result.getString("requestState"));
        if (requests.isEmpty()) {
            call(call, null, round.requestState);
            return;
        }
        for (String key : requests.fieldNames()) {
            JsonObject request = requests.getJsonObject(key);
            String id = "mf-ask-" + (++upstreamIds);
            String idKey = JsonRpcMessage.idKeyOf(id);
            round.keysById.put(idKey, key);
            asking.put(idKey, round);
            JsonObject message = new JsonObject()
                    .put("jsonrpc", "2.0")
                    .put("id", id)
                    .put("method", request.getString("method"))
                    .put("params", request.getJsonObject("params", new JsonObject()));
            listener.onMessage(message.encode(), call.clientIdKey());
        }
    }

    private void answer(String idKey, JsonObject result) {
        listener.onMessage(
                new JsonObject()
                        .put("jsonrpc", "2.0")
                        .put("id", Json.decodeValue(idKey))
                        .put("result", result)
                        .encode(),
                idKey);
    }

    @Override
    public boolean awaitingResponse(String idKey) {
        Call call = calls.get(idKey);
        if (call != null && call.clientIdKey() == null) {
            return true; // an adopted session's own rediscovery
        }
        return call != null
                ? listener.awaitingResponse(call.clientIdKey())
                : idKey.equals(listenId) || listener.awaitingResponse(idKey);
    }

    @Override
    public String clientIdKey(String idKey) {
        return listener.clientIdKey(idKey);
    }

    /**
     * The backend ended the subscription that feeds the client's stream (it restarted, or a proxy cut the
     * stream): open it again, waiting longer each time it keeps ending.
     */
    private void listenEnded(String reason) {
        listenId = null;
        if (closing) {
            return;
        }
        long delay = Math.min(MAX_RELISTEN_MS, FIRST_RELISTEN_MS << Math.min(listenEnded++, 5));
        log.atInfo()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("reason", reason)
                .addKeyValue("retry_in_ms", delay)
                .log("the backend's subscription ended; opening it again");
        relistenTimer = vertx.setTimer(delay, t -> {
            relistenTimer = -1;
            if (!closing && listenId == null) {
                listen();
            }
        });
    }

    @Override
    public void onRequestFailed(String idKey, String reason) {
        if (idKey.equals(listenId)) {
            listenEnded(reason);
            return;
        }
        Call call = modern ? calls.remove(idKey) : null;
        if (call != null && call.clientIdKey() == null) {
            rediscovered(new JsonObject().put("error", new JsonObject().put("message", reason)));
            return;
        }
        listener.onRequestFailed(call == null ? idKey : call.clientIdKey(), reason);
    }

    @Override
    public void onFailure(String kind, String reason) {
        listener.onFailure(kind, reason);
    }

    // A process or upstream session replaced under the bridge: the session decides what fails.
    @Override
    public void onInFlightLost(String reason) {
        listener.onInFlightLost(reason);
    }

    @Override
    public void onUpstreamReopened(String reason) {
        listener.onUpstreamReopened(reason);
    }

    @Override
    public void onBackendReachable(boolean reachable, String detail) {
        listener.onBackendReachable(reachable, detail);
    }

    @Override
    public void onUpstreamSession(String upstreamSessionId) {
        listener.onUpstreamSession(upstreamSessionId);
    }
}
