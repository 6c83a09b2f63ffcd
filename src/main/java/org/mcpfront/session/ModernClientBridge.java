package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.protocol.Envelope;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.Identity;
import org.mcpfront.protocol.McpErrors;
import org.mcpfront.protocol.ProtocolVersions;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session of one 2026-07-28 user on a route whose backend mcp-front reaches through a session of
 * its own: a 2025 backend (HTTP or stdio), or a stdio process that turned out to speak 2026-07-28.
 *
 * <p>With a 2025 backend it holds the upstream session (opened in the first request's client's name),
 * answers {@code server/discover} from the backend's {@code initialize} result, strips the envelope from
 * each request and adds {@code resultType} (and cache hints where the revision requires them) to each
 * result, turns {@code subscriptions/listen} into a filter over the backend's change notifications, checks
 * {@code Mcp-Param-*} headers the backend cannot see, and maps a server→client request made during a call
 * (elicitation, sampling, roots) onto an input-required result whose {@code requestState} mcp-front seals:
 * the backend's call stays in flight here until the client retries with the answers. An elicitation or
 * sampling request for a call whose client did not declare that capability answers the call with -32021
 * and cancels it upstream; anything else that cannot be mapped (roots the client did not declare, a
 * request outside a call that may ask) is refused to the backend with a JSON-RPC error at once. Nothing
 * is left hanging.
 *
 * <p>With a 2026-07-28 stdio process requests pass through with their envelope; only subscription ids
 * are put back to the client's, and discovery lists the versions mcp-front speaks.
 */
final class ModernClientBridge implements Backend, BackendListener {

    private static final Logger log = LoggerFactory.getLogger(ModernClientBridge.class);
    /** Methods that may answer with an input-required result (MRTR, 2026-07-28). */
    private static final Set<String> MAY_ASK = Set.of("tools/call", "prompts/get", "resources/read");
    /** Which client capability each server→client request needs. */
    private static final Map<String, String> ASKS =
            Map.of("elicitation/create", "elicitation", "sampling/createMessage", "sampling", "roots/list", "roots");
    /** Results that must carry cache hints in 2026-07-28; a 2025 backend gives none, so: do not cache. */
    private static final Set<String> CACHEABLE =
            Set.of("tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read");

    private static final Map<String, String> LIST_CHANGED = Map.of(
            "notifications/tools/list_changed", "toolsListChanged",
            "notifications/prompts/list_changed", "promptsListChanged",
            "notifications/resources/list_changed", "resourcesListChanged");
    private static final String INTERNAL = "\"mf-internal-";
    private static final String TOOLS = "mf-internal-tools-";
    /**
     * What the upstream session declares. Not roots: 2025 servers ask for roots on their own schedule (often
     * right after initialize, not for a call), and 2026-07-28 deprecates them.
     */
    private static final JsonObject MAPPABLE_CAPABILITIES = new JsonObject()
            .put("elicitation", new JsonObject().put("form", new JsonObject()).put("url", new JsonObject()))
            .put("sampling", new JsonObject());
    /** Server→client requests a call cannot go on without: a client that did not declare them gets -32021. */
    private static final Set<String> REQUIRED_BY_THE_CALL = Set.of("elicitation", "sampling");

    private enum Upstream {
        UNKNOWN,
        STARTING,
        LEGACY,
        MODERN
    }

    private final Vertx vertx;
    private final RouteConfig route;
    private final String session;
    private final String subject;
    private final BackendListener listener;
    private final RequestStates states;
    private final Backend raw;
    private final boolean mayBeModern;
    private Upstream upstream = Upstream.UNKNOWN;
    private JsonObject initializeResult;
    private final ArrayDeque<JsonRpcMessage> waiting = new ArrayDeque<>();
    /** Requests sent upstream and not answered yet, by id. */
    private final Map<String, InFlight> inFlight = new HashMap<>();
    /** Calls whose client went away with an input-required result, waiting for its retry, by upstream id. */
    private final Map<String, InFlight> held = new HashMap<>();
    /** Open subscriptions: the listen request's id → what it asked for. */
    private final Map<String, Listen> listens = new LinkedHashMap<>();
    /** server/discover requests passed to a 2026-07-28 process, whose answers get mcp-front's versions. */
    private final Set<String> discovering = new HashSet<>();
    /** The backend's tool parameter header annotations, for the Mcp-Param-* check the backend cannot make. */
    private final ParamHeaders paramHeaders = new ParamHeaders();
    /** Mirrored Mcp-Param-* headers of tools/call requests not checked yet, by id. */
    private final Map<String, JsonObject> mirrors = new HashMap<>();
    /** tools/call requests waiting for the backend's tool list before they can be checked. */
    private final List<JsonRpcMessage> awaitingTools = new ArrayList<>();

    private boolean fetchingTools;
    /**
     * tools/list requests whose answers teach the tools' header annotations: id → whether it asked for the first page.
     */
    private final Map<String, Boolean> listing = new HashMap<>();

    private long internalIds;
    private long inputKeys;
    private String logLevel;

    ModernClientBridge(
            Vertx vertx,
            RouteConfig route,
            String session,
            String subject,
            BackendListener listener,
            RequestStates states,
            Function<BackendListener, Backend> raw,
            Era era,
            boolean mayBeModern) {
        this.vertx = vertx;
        this.route = route;
        this.session = session;
        this.subject = subject;
        this.listener = listener;
        this.states = states;
        this.raw = raw.apply(this);
        this.mayBeModern = mayBeModern;
        if (era == Era.MODERN) {
            upstream = Upstream.MODERN;
        }
    }

    /** A request in flight upstream, with what the client said about itself when it sent it. */
    private static final class InFlight {
        final JsonRpcMessage request;
        final Envelope envelope;
        /** The id the current client request has here; a retry gives the held call a new one. */
        String answerAs;
        /** Server→client requests the client has been asked (key → backend request id) or not yet. */
        final Map<String, String> asked = new LinkedHashMap<>();

        final Map<String, JsonObject> toAsk = new LinkedHashMap<>();
        long holdTimer = -1;

        InFlight(JsonRpcMessage request, Envelope envelope) {
            this.request = request;
            this.envelope = envelope;
            this.answerAs = request.idKey();
        }
    }

    private record Listen(JsonObject filter, Object clientId) {}

    @Override
    public Future<Void> open() {
        return raw.open();
    }

    @Override
    public Era era() {
        return upstream == Upstream.MODERN ? Era.MODERN : Era.LEGACY;
    }

    @Override
    public void protocolVersion(String version) {
        raw.protocolVersion(version);
    }

    @Override
    public Future<Void> close() {
        held.values().forEach(h -> vertx.cancelTimer(h.holdTimer));
        return raw.close();
    }

    // ---- from the client ----------------------------------------------------------------------

    @Override
    public void send(JsonRpcMessage message, JsonObject mirroredParams) {
        mirrors.put(message.idKey(), mirroredParams);
        send(message);
    }

    @Override
    public void send(JsonRpcMessage message) {
        if (upstream == Upstream.LEGACY || upstream == Upstream.MODERN) {
            forward(message);
            return;
        }
        waiting.add(message);
        if (upstream == Upstream.UNKNOWN && message.isRequest()) {
            handshake(Envelope.of(message));
        }
    }

    /**
     * Opens the upstream 2025 session in the first request's client's name; a process that refuses it may
     * be modern. The session declares every capability mcp-front can carry to a 2026-07-28 client, because
     * each later request declares its own: whether a given request may be asked is decided per request.
     */
    private void handshake(Envelope envelope) {
        upstream = Upstream.STARTING;
        JsonObject params = new JsonObject()
                .put("protocolVersion", ProtocolVersions.LATEST_LEGACY)
                .put("capabilities", MAPPABLE_CAPABILITIES.copy())
                .put(
                        "clientInfo",
                        envelope == null || envelope.clientInfo() == null
                                ? Identity.CLIENT_INFO.copy()
                                : envelope.clientInfo().copy());
        raw.send(JsonRpcMessage.of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", "mf-internal-initialize")
                .put("method", "initialize")
                .put("params", params)));
    }

    private void handshakeAnswered(JsonObject response) {
        if (response.getValue("result") instanceof JsonObject result) {
            initializeResult = result;
            String version = result.getString("protocolVersion");
            if (version != null) {
                raw.protocolVersion(version);
            }
            raw.send(JsonRpcMessage.of(
                    new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")));
            upstream = Upstream.LEGACY;
        } else if (mayBeModern && McpErrors.offersModern(response)) {
            log.atInfo()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .log("the process speaks 2026-07-28; passing requests through");
            upstream = Upstream.MODERN;
        } else {
            String reason = "the backend refused mcp-front's initialize: " + errorText(response);
            upstream = Upstream.UNKNOWN;
            List<JsonRpcMessage> failed = new ArrayList<>(waiting);
            waiting.clear();
            for (JsonRpcMessage m : failed) {
                if (m.isRequest()) {
                    listener.onRequestFailed(m.idKey(), reason);
                }
            }
            if (McpErrors.offersModern(response)) {
                listener.onFailure("protocol", "the backend now speaks 2026-07-28: " + reason);
            }
            return;
        }
        while (!waiting.isEmpty()) {
            forward(waiting.poll());
        }
    }

    private void forward(JsonRpcMessage message) {
        if (!message.isRequest()) {
            if ("notifications/cancelled".equals(message.method())) {
                String id = JsonRpcMessage.idKeyOf(message.params().getValue("requestId"));
                mirrors.remove(id);
                awaitingTools.removeIf(m -> m.idKey().equals(id));
                cancelled(id, message);
            }
            return;
        }
        JsonObject mirrored = mirrors.get(message.idKey());
        if (mirrored != null) {
            if (!paramHeaders.known()) {
                awaitingTools.add(message);
                fetchTools(Envelope.of(message), null);
                return;
            }
            mirrors.remove(message.idKey());
            String problem = paramHeaders.check(message.params(), mirrored);
            if (problem != null) {
                answerError(message.idKey(), McpErrors.HEADER_MISMATCH, "Header mismatch: " + problem);
                return;
            }
        }
        if (upstream == Upstream.MODERN && "tools/list".equals(message.method())) {
            listing.put(message.idKey(), message.params().getValue("cursor") == null);
        }
        if (upstream == Upstream.MODERN) {
            if ("subscriptions/listen".equals(message.method())) {
                listens.put(message.idKey(), new Listen(null, Json.decodeValue(listener.clientIdKey(message.idKey()))));
            } else if ("server/discover".equals(message.method())) {
                discovering.add(message.idKey());
            }
            raw.send(message);
            return;
        }
        Envelope envelope = Envelope.of(message);
        String state = message.params().getString("requestState");
        switch (message.method()) {
            case "server/discover" -> answer(message.idKey(), discoverResult());
            case "subscriptions/listen" -> listen(message);
            default -> {
                if (state != null) {
                    resume(message, envelope, state);
                } else {
                    call(message, envelope);
                }
            }
        }
    }

    /** Asks the backend for its tool list (a page of it), to learn the header annotations of its tools. */
    private void fetchTools(Envelope envelope, String cursor) {
        if (fetchingTools && cursor == null) {
            return;
        }
        fetchingTools = true;
        JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
        if (upstream == Upstream.MODERN) {
            params = (envelope != null ? envelope : Envelope.forClient(new JsonObject(), Identity.CLIENT_INFO, null))
                    .applyTo(params);
        }
        String id = TOOLS + (++internalIds);
        listing.put(JsonRpcMessage.idKeyOf(id), cursor == null);
        raw.send(JsonRpcMessage.of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", "tools/list")
                .put("params", params)));
    }

    private void toolsPage(JsonObject response, boolean first) {
        if (!(response.getValue("result") instanceof JsonObject result)) {
            // No list to check against: the calls go on unchecked rather than fail for mcp-front's sake.
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .addKeyValue("reason", errorText(response))
                    .log("the backend refused tools/list; Mcp-Param-* unchecked");
            paramHeaders.learn(new JsonObject(), true, true);
        } else if (result.getValue("nextCursor") instanceof String cursor && !cursor.isEmpty()) {
            paramHeaders.learn(result, first, false);
            fetchTools(awaitingTools.isEmpty() ? null : Envelope.of(awaitingTools.get(0)), cursor);
            return;
        } else {
            paramHeaders.learn(result, first, true);
        }
        fetchingTools = false;
        List<JsonRpcMessage> ready = new ArrayList<>(awaitingTools);
        awaitingTools.clear();
        ready.forEach(this::forward);
    }

    private void call(JsonRpcMessage message, Envelope envelope) {
        setLogLevel(envelope);
        JsonObject params = Envelope.strip(message.params());
        params.remove("inputResponses");
        params.remove("requestState");
        JsonObject json = message.json().copy();
        json.put("params", params);
        JsonRpcMessage legacy = JsonRpcMessage.of(json);
        inFlight.put(legacy.idKey(), new InFlight(message, envelope));
        raw.send(legacy);
    }

    /**
     * A retry carrying answers for a held call (its requestState checked at the edge): the answers go
     * to the backend's waiting requests, and the call's result will answer this request.
     */
    private void resume(JsonRpcMessage retry, Envelope envelope, String state) {
        JsonObject payload;
        try {
            payload = states.open(state, subject, route.path(), retry.method(), retry.params())
                    .payload();
        } catch (RequestStates.Invalid e) {
            answerError(retry.idKey(), McpErrors.INVALID_PARAMS, "Invalid params: " + e.getMessage());
            return;
        }
        InFlight call = held.remove(payload.getString("up"));
        if (call == null) {
            answerError(
                    retry.idKey(),
                    McpErrors.INVALID_PARAMS,
                    "Invalid params: the call this requestState belongs to "
                            + "is no longer waiting (it timed out or was answered); send the request again without it");
            return;
        }
        vertx.cancelTimer(call.holdTimer);
        call.answerAs = retry.idKey();
        inFlight.put(call.request.idKey(), call);
        JsonObject responses = retry.params().getValue("inputResponses") instanceof JsonObject r ? r : new JsonObject();
        JsonObject keys = payload.getJsonObject("keys", new JsonObject());
        for (String key : keys.fieldNames()) {
            String backendId = keys.getString(key);
            call.asked.remove(key);
            JsonObject reply = new JsonObject().put("jsonrpc", "2.0").put("id", Json.decodeValue(backendId));
            if (responses.getValue(key) instanceof JsonObject result) {
                reply.put("result", result);
            } else {
                reply.put(
                        "error",
                        new JsonObject()
                                .put("code", McpErrors.INVALID_PARAMS)
                                .put("message", "the client sent no answer for " + key));
            }
            raw.send(JsonRpcMessage.of(reply));
        }
        if (!call.toAsk.isEmpty()) {
            ask(call);
        }
    }

    private void listen(JsonRpcMessage message) {
        JsonObject asked = message.params().getValue("notifications") instanceof JsonObject n ? n : new JsonObject();
        JsonObject capabilities = initializeResult.getJsonObject("capabilities", new JsonObject());
        JsonObject agreed = new JsonObject();
        agree(agreed, asked, "toolsListChanged", capabilities, "tools");
        agree(agreed, asked, "promptsListChanged", capabilities, "prompts");
        agree(agreed, asked, "resourcesListChanged", capabilities, "resources");
        boolean subscribable = capabilities.getValue("resources") instanceof JsonObject resources
                && Boolean.TRUE.equals(resources.getValue("subscribe"));
        if (subscribable && asked.getValue("resourceSubscriptions") instanceof JsonArray uris && !uris.isEmpty()) {
            agreed.put("resourceSubscriptions", uris.copy());
            for (Object uri : uris) {
                internal("resources/subscribe", new JsonObject().put("uri", uri));
            }
        }
        Object clientId = Json.decodeValue(listener.clientIdKey(message.idKey()));
        listens.put(message.idKey(), new Listen(agreed, clientId));
        JsonObject ack = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("method", "notifications/subscriptions/acknowledged")
                .put(
                        "params",
                        new JsonObject()
                                .put("_meta", new JsonObject().put(Envelope.SUBSCRIPTION_ID, clientId))
                                .put("notifications", agreed));
        listener.onMessage(ack.encode(), message.idKey());
    }

    private static void agree(JsonObject agreed, JsonObject asked, String flag, JsonObject capabilities, String area) {
        if (Boolean.TRUE.equals(asked.getValue(flag))
                && capabilities.getValue(area) instanceof JsonObject a
                && Boolean.TRUE.equals(a.getValue("listChanged"))) {
            agreed.put(flag, true);
        }
    }

    private void cancelled(String idKey, JsonRpcMessage notice) {
        if (idKey == null) {
            return;
        }
        if (listens.remove(idKey) != null && upstream != Upstream.MODERN) {
            return;
        }
        InFlight call = inFlight.remove(idKey);
        if (call != null || upstream == Upstream.MODERN) {
            raw.send(notice);
        }
    }

    private void setLogLevel(Envelope envelope) {
        String level = envelope == null ? null : envelope.logLevel();
        boolean logging = initializeResult != null
                && initializeResult.getValue("capabilities") instanceof JsonObject c
                && c.getValue("logging") instanceof JsonObject;
        if (level != null && logging && !level.equals(logLevel)) {
            logLevel = level;
            internal("logging/setLevel", new JsonObject().put("level", level));
        }
    }

    private void internal(String method, JsonObject params) {
        raw.send(JsonRpcMessage.of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", "mf-internal-" + (++internalIds))
                .put("method", method)
                .put("params", params)));
    }

    private JsonObject discoverResult() {
        JsonObject result = new JsonObject()
                .put("resultType", "complete")
                .put("supportedVersions", ProtocolVersions.supported())
                .put(
                        "capabilities",
                        initializeResult
                                .getJsonObject("capabilities", new JsonObject())
                                .copy())
                .put("ttlMs", 0)
                .put("cacheScope", "private");
        if (initializeResult.getValue("instructions") instanceof String instructions) {
            result.put("instructions", instructions);
        }
        if (initializeResult.getValue("serverInfo") instanceof JsonObject info) {
            result.put("_meta", new JsonObject().put(Envelope.SERVER_INFO, info.copy()));
        }
        return result;
    }

    // ---- from the backend ---------------------------------------------------------------------

    @Override
    public void onMessage(String text, String relatedIdKey) {
        JsonRpcMessage message;
        try {
            message = JsonRpcMessage.parse(text);
        } catch (JsonRpcException e) {
            listener.onMessage(text, relatedIdKey);
            return;
        }
        if (message.isResponse() && message.idKey().startsWith(INTERNAL)) {
            if (message.idKey().startsWith("\"" + TOOLS)) {
                toolsPage(message.json(), listing.remove(message.idKey()) != Boolean.FALSE);
            } else if ("\"mf-internal-initialize\"".equals(message.idKey())) {
                handshakeAnswered(message.json());
            } else if (message.json().containsKey("error")) {
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", session)
                        .addKeyValue("reason", errorText(message.json()))
                        .log("the backend refused a request of mcp-front's");
            }
            return;
        }
        if (upstream == Upstream.MODERN) {
            // A subscription's messages belong to its listen request: the stream they go on.
            String subscription = message.isResponse() ? null : subscriptionOf(message.meta());
            listener.onMessage(modernFromProcess(message, text), subscription != null ? subscription : relatedIdKey);
            return;
        }
        if (message.isResponse()) {
            InFlight call = inFlight.remove(message.idKey());
            if (call == null) {
                // A held call the backend finished without its answers: nobody waits for it any more.
                InFlight stale = held.remove(message.idKey());
                if (stale != null) {
                    vertx.cancelTimer(stale.holdTimer);
                }
                return;
            }
            JsonObject json = message.json().copy();
            if (json.getValue("result") instanceof JsonObject result && "tools/list".equals(call.request.method())) {
                paramHeaders.learn(
                        result,
                        call.request.params().getValue("cursor") == null,
                        !(result.getValue("nextCursor") instanceof String));
            }
            if (json.getValue("result") instanceof JsonObject result) {
                result.put("resultType", "complete");
                if (CACHEABLE.contains(call.request.method()) && !result.containsKey("ttlMs")) {
                    result.put("ttlMs", 0).put("cacheScope", "private");
                }
            }
            json.put("id", Json.decodeValue(call.answerAs));
            listener.onMessage(json.encode(), call.answerAs);
            return;
        }
        if (message.isRequest()) {
            fromBackendRequest(message, relatedIdKey);
            return;
        }
        if ("notifications/tools/list_changed".equals(message.method())) {
            paramHeaders.forget();
        }
        String changed = LIST_CHANGED.get(message.method());
        if (changed != null || "notifications/resources/updated".equals(message.method())) {
            fanOut(message, changed);
            return;
        }
        if ("notifications/message".equals(message.method())) {
            InFlight call = relatedIdKey == null ? null : inFlight.get(relatedIdKey);
            if (call == null || call.envelope == null || call.envelope.logLevel() == null) {
                return;
            }
        }
        InFlight call = relatedIdKey == null ? null : inFlight.get(relatedIdKey);
        listener.onMessage(text, call == null ? relatedIdKey : call.answerAs);
    }

    /** The listen request (its id here) a message of a 2026-07-28 process is tagged with, or null. */
    private String subscriptionOf(JsonObject meta) {
        String local = meta == null ? null : JsonRpcMessage.idKeyOf(meta.getValue(Envelope.SUBSCRIPTION_ID));
        return local != null && listens.containsKey(local) ? local : null;
    }

    /**
     * A 2026-07-28 process's message, with subscription ids put back to the client's listen ids, and the
     * versions of a discovery answer made the ones a client can use through mcp-front.
     */
    private String modernFromProcess(JsonRpcMessage message, String text) {
        Boolean firstPage = message.isResponse() ? listing.remove(message.idKey()) : null;
        if (firstPage != null && message.json().getValue("result") instanceof JsonObject result) {
            paramHeaders.learn(result, firstPage, !(result.getValue("nextCursor") instanceof String));
        }
        if ("notifications/tools/list_changed".equals(message.method())) {
            paramHeaders.forget();
        }
        if (message.isResponse()
                && discovering.remove(message.idKey())
                && message.json().getValue("result") instanceof JsonObject) {
            JsonObject copy = message.json().copy();
            copy.getJsonObject("result").put("supportedVersions", ProtocolVersions.supported());
            return copy.encode();
        }
        JsonObject meta = message.isResponse()
                ? (message.json().getValue("result") instanceof JsonObject r
                                && r.getValue("_meta") instanceof JsonObject m
                        ? m
                        : null)
                : message.meta();
        if (meta == null || !meta.containsKey(Envelope.SUBSCRIPTION_ID)) {
            return text;
        }
        String local = JsonRpcMessage.idKeyOf(meta.getValue(Envelope.SUBSCRIPTION_ID));
        Listen listen = local == null ? null : listens.get(local);
        if (listen == null) {
            return text;
        }
        JsonObject copy = message.json().copy();
        JsonObject target = message.isResponse()
                ? copy.getJsonObject("result").getJsonObject("_meta")
                : copy.getJsonObject("params").getJsonObject("_meta");
        target.put(Envelope.SUBSCRIPTION_ID, listen.clientId());
        if (message.isResponse()) {
            listens.remove(local);
        }
        return copy.encode();
    }

    private void fanOut(JsonRpcMessage message, String flag) {
        String uri = message.params().getString("uri");
        listens.forEach((listenId, listen) -> {
            boolean wanted = flag != null
                    ? Boolean.TRUE.equals(listen.filter().getValue(flag))
                    : listen.filter().getValue("resourceSubscriptions") instanceof JsonArray uris && uris.contains(uri);
            if (wanted) {
                JsonObject copy = message.json().copy();
                JsonObject params = copy.getValue("params") instanceof JsonObject p ? p : new JsonObject();
                JsonObject meta = params.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
                params.put("_meta", meta.put(Envelope.SUBSCRIPTION_ID, listen.clientId()));
                copy.put("params", params);
                listener.onMessage(copy.encode(), listenId);
            }
        });
    }

    /**
     * A server→client request of the 2025 backend. Only a call that may ask (tools/call, prompts/get,
     * resources/read) of a client that declared the capability can take it, as an input-required result.
     */
    private void fromBackendRequest(JsonRpcMessage request, String relatedIdKey) {
        if ("ping".equals(request.method())) {
            reply(request, new JsonObject());
            return;
        }
        String capability = ASKS.get(request.method());
        InFlight call = relatedCall(relatedIdKey);
        if (capability == null || call == null || !MAY_ASK.contains(call.request.method())) {
            refuse(
                    request,
                    "mcp-front cannot forward " + request.method() + " to a 2026-07-28 client outside a "
                            + "tools/call, prompts/get or resources/read");
            return;
        }
        if (call.envelope == null || !call.envelope.declares(capability)) {
            refuse(request, "the client did not declare the " + capability + " capability");
            if (REQUIRED_BY_THE_CALL.contains(capability) && inFlight.remove(call.request.idKey()) != null) {
                // The revision's answer to a call that needs what the client did not declare: -32021,
                // naming it, and the backend stops working on the call.
                answerError(
                        call.answerAs,
                        McpErrors.MISSING_CLIENT_CAPABILITY,
                        "Missing required client capability: " + capability,
                        new JsonObject()
                                .put("requiredCapabilities", new JsonObject().put(capability, new JsonObject())));
                cancelUpstream(call.request.idKey(), "the client lacks the " + capability + " capability");
            }
            return;
        }
        call.toAsk.put(
                request.idKey(),
                new JsonObject()
                        .put("method", request.method())
                        .put("params", request.params().copy()));
        if (inFlight.containsKey(call.request.idKey())) {
            ask(call);
        }
    }

    /**
     * The call a server→client request belongs to: the one whose response stream carried it (Streamable
     * HTTP says), else the only call that may ask, if there is exactly one (stdio and legacy SSE do not
     * say; with several, guessing could show one call's question to another).
     */
    private InFlight relatedCall(String relatedIdKey) {
        if (relatedIdKey != null) {
            InFlight call = inFlight.get(relatedIdKey);
            return call != null ? call : held.get(relatedIdKey);
        }
        InFlight only = null;
        for (InFlight call : inFlight.values()) {
            if (MAY_ASK.contains(call.request.method())) {
                if (only != null) {
                    return null;
                }
                only = call;
            }
        }
        if (only == null && held.size() == 1) {
            return held.values().iterator().next();
        }
        return only;
    }

    /** Answers the client's current request for {@code call} with an input-required result. */
    private void ask(InFlight call) {
        JsonObject inputRequests = new JsonObject();
        JsonObject keys = new JsonObject();
        call.toAsk.forEach((backendId, request) -> {
            String key = "mf-input-" + (++inputKeys);
            inputRequests.put(key, request);
            keys.put(key, backendId);
            call.asked.put(key, backendId);
        });
        call.toAsk.clear();
        String upstreamId = call.request.idKey();
        JsonObject clientParams = call.request.params();
        String state = states.seal(
                session,
                new JsonObject().put("up", upstreamId).put("keys", keys),
                subject,
                route.path(),
                call.request.method(),
                clientParams,
                route.sessions().requestTimeout());
        JsonObject result = new JsonObject()
                .put("resultType", "input_required")
                .put("inputRequests", inputRequests)
                .put("requestState", state);
        String answerAs = call.answerAs;
        inFlight.remove(upstreamId);
        held.put(upstreamId, call);
        // The backend's call waits here for the retry, bounded like any request.
        call.holdTimer = vertx.setTimer(route.sessions().requestTimeout().toMillis(), t -> giveUp(upstreamId));
        listener.onMessage(
                new JsonObject()
                        .put("jsonrpc", "2.0")
                        .put("id", Json.decodeValue(answerAs))
                        .put("result", result)
                        .encode(),
                answerAs);
    }

    private void giveUp(String upstreamId) {
        InFlight call = held.remove(upstreamId);
        if (call == null) {
            return;
        }
        for (String backendId : call.asked.values()) {
            refuse(backendId, "the client did not come back with an answer in time");
        }
        cancelUpstream(upstreamId, "the client did not retry with its answers");
    }

    private void reply(JsonRpcMessage request, JsonObject result) {
        raw.send(JsonRpcMessage.of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", Json.decodeValue(request.idKey()))
                .put("result", result)));
    }

    private void refuse(JsonRpcMessage request, String why) {
        log.atInfo()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("method", request.method())
                .addKeyValue("reason", why)
                .log("refused a backend request");
        refuse(request.idKey(), why);
    }

    private void refuse(String backendId, String why) {
        raw.send(JsonRpcMessage.of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", Json.decodeValue(backendId))
                .put(
                        "error",
                        new JsonObject().put("code", McpErrors.METHOD_NOT_FOUND).put("message", why))));
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

    private void answerError(String idKey, int code, String message) {
        answerError(idKey, code, message, null);
    }

    private void answerError(String idKey, int code, String message, JsonObject data) {
        listener.onMessage(JsonRpcErrors.error(idKey, code, message, data), idKey);
    }

    private void cancelUpstream(String upstreamId, String reason) {
        raw.send(JsonRpcMessage.cancelled(upstreamId, reason));
    }

    private static String errorText(JsonObject response) {
        return response.getValue("error") instanceof JsonObject error
                ? error.getValue("code") + " " + error.getString("message", "")
                : "no result";
    }

    @Override
    public boolean awaitingResponse(String idKey) {
        return listener.awaitingResponse(idKey) || held.containsKey(idKey);
    }

    @Override
    public String clientIdKey(String idKey) {
        return listener.clientIdKey(idKey);
    }

    @Override
    public void onRequestFailed(String idKey, String reason) {
        InFlight call = inFlight.remove(idKey);
        listener.onRequestFailed(call == null ? idKey : call.answerAs, reason);
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
