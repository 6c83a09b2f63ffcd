package org.mcpfront.aggregate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.mcpfront.access.Decision;
import org.mcpfront.access.Kind;
import org.mcpfront.access.ListFilter;
import org.mcpfront.access.Visibility;
import org.mcpfront.aggregate.Catalog.Listing;
import org.mcpfront.aggregate.Catalog.Target;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.Caller;
import org.mcpfront.observability.Audit;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.Identity;
import org.mcpfront.protocol.McpErrors;
import org.mcpfront.protocol.ProtocolVersions;
import org.mcpfront.session.Backend;
import org.mcpfront.session.BackendListener;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend of an aggregate route's session: one MCP server made of its member routes. It answers
 * {@code initialize} itself once every member it may use started (or failed to), merges the members'
 * {@code tools/list}, {@code prompts/list}, {@code resources/list} and {@code resources/templates/list} with
 * prefixed names ({@link Catalog}), sends each call to its member under the member's own name, and carries the
 * members' server→client requests (elicitation, sampling, roots) to the client and the answers back under ids of
 * its own. A member that cannot start or fails is down, not the session: the lists name it under
 * {@code _meta["mcp-front/unavailable"]}, its calls get a JSON-RPC error, and a later list tries it again.
 * Each member's {@code access:} rules apply to the aggregate's user, edits included.
 */
public final class AggregateBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(AggregateBackend.class);
    /** A member that was down is tried again by a list no sooner than this after its failure. */
    static final long RETRY_MS = 2_000;
    /** The most pages of one member's list the aggregate follows. */
    private static final int MAX_PAGES = 50;

    private static final Set<String> CALLS = Set.of("tools/call", "prompts/get");
    private static final Set<String> ON_RESOURCES =
            Set.of("resources/read", "resources/subscribe", "resources/unsubscribe");

    private final Vertx vertx;
    private final SessionSpec spec;
    private final BackendListener listener;
    private final GatewayMetrics metrics;
    private final Caller caller;
    private final List<Member> members = new ArrayList<>();
    private final Catalog catalog = new Catalog();
    /** Server→client requests of members, by the id the client knows them by. */
    private final Map<String, Origin> serverRequests = new HashMap<>();

    private final long startTimeoutMillis;
    private final long requestTimeoutMillis;
    private JsonObject initializeParams;
    private MessageConsumer<FrontConfig> configs;
    private long ids;
    private boolean closing;
    /** The client stopped reading: every member's backend is paused, and a member that starts meanwhile too. */
    private boolean paused;

    private record Origin(Member member, String idKey) {}

    /**
     * @param groups the config's {@code groups:}, for the members' access rules
     */
    AggregateBackend(
            Vertx vertx,
            SessionSpec spec,
            BackendListener listener,
            MemberBackends backends,
            GatewayMetrics metrics,
            Map<String, List<String>> groups) {
        this.vertx = vertx;
        this.spec = spec;
        this.listener = listener;
        this.metrics = metrics;
        this.caller =
                new Caller(spec.owner().email(), new HashSet<>(spec.owner().groups()));
        RouteConfig route = spec.route();
        this.requestTimeoutMillis = route.sessions().requestTimeout().toMillis();
        // A member that hangs must not hold the client's initialize past its own timeout.
        this.startTimeoutMillis = Math.min(10_000, requestTimeoutMillis / 2);
        for (RouteConfig member : route.aggregate().orElseThrow().members()) {
            members.add(new Member(vertx, this, Member.spec(spec, member), backends));
        }
        judge(
                path -> route.aggregate().orElseThrow().members().stream()
                        .filter(r -> r.path().equals(path))
                        .findFirst(),
                groups);
    }

    /** The backend factory of one aggregate session (wrap it for a 2026-07-28 client as any 2025 backend). */
    public static Function<BackendListener, Backend> forSession(
            Vertx vertx,
            SessionSpec spec,
            MemberBackends backends,
            GatewayMetrics metrics,
            Map<String, List<String>> groups) {
        return listener -> new AggregateBackend(vertx, spec, listener, backends, metrics, groups);
    }

    @Override
    public Future<Void> open() {
        // Access rules apply as edited, to the next request, as on every route.
        configs = vertx.eventBus().localConsumer(Addresses.CONFIG_CHANGED, m -> reJudge(m.body()));
        return configs.completion();
    }

    @Override
    public void protocolVersion(String version) {
        // Each member agreed its own version at its initialize.
    }

    /** Backpressure reaches the members: what they send has nowhere to go but the client that does not read. */
    @Override
    public void pause() {
        paused = true;
        members.forEach(Member::pause);
    }

    @Override
    public void resume() {
        paused = false;
        members.forEach(Member::resume);
    }

    boolean paused() {
        return paused;
    }

    @Override
    public Future<Void> close() {
        closing = true;
        List<Future<Void>> closed = new ArrayList<>();
        members.forEach(m -> closed.add(m.close()));
        if (configs != null) {
            closed.add(configs.unregister());
        }
        return Future.join(closed).mapEmpty();
    }

    // ---- the client's messages ---------------------------------------------------------------

    @Override
    public void send(JsonRpcMessage message) {
        if (message.isResponse()) {
            Origin origin = serverRequests.remove(message.idKey());
            if (origin != null) {
                origin.member().send(message.withIdKey(origin.idKey()));
            }
            return;
        }
        String method = message.method();
        if (!message.isRequest()) {
            notification(message);
            return;
        }
        Listing listing = Listing.of(method);
        if (listing != null) {
            list(message, listing);
        } else if ("initialize".equals(method)) {
            initialize(message);
        } else if ("ping".equals(method)) {
            respond(message.idKey(), new JsonObject());
        } else if (CALLS.contains(method)) {
            call(message);
        } else if (ON_RESOURCES.contains(method)) {
            onResource(message);
        } else if ("completion/complete".equals(method)) {
            complete(message);
        } else if ("logging/setLevel".equals(method)) {
            setLevel(message);
        } else {
            error(message.idKey(), McpErrors.METHOD_NOT_FOUND, "Method not found: " + method, null);
        }
    }

    private void notification(JsonRpcMessage message) {
        String method = message.method();
        if ("notifications/cancelled".equals(method)) {
            String idKey = JsonRpcMessage.idKeyOf(message.params().getValue("requestId"));
            if (idKey != null) {
                members.forEach(m -> m.cancel(idKey, message.params().getString("reason", "cancelled by the client")));
            }
        } else if ("notifications/roots/list_changed".equals(method)) {
            ready().forEach(m -> m.send(message));
        }
        // notifications/initialized: each member had its own when it started.
    }

    private void initialize(JsonRpcMessage request) {
        initializeParams = request.params().copy();
        String version = ProtocolVersions.negotiateLegacy(initializeParams.getString("protocolVersion"));
        List<Future<Void>> started = new ArrayList<>();
        for (Member m : usable()) {
            started.add(m.start(initializeParams, startTimeoutMillis).otherwiseEmpty());
        }
        Future.join(started).onComplete(done -> respond(request.idKey(), initializeResult(version)));
    }

    /** What the aggregate is: every list it can merge (members may come up later), and the members' extras. */
    private JsonObject initializeResult(String version) {
        boolean subscribe = false;
        boolean logging = false;
        boolean completions = false;
        StringBuilder instructions = new StringBuilder("Tools and prompts carry their server's name as a prefix:");
        List<String> told = new ArrayList<>();
        for (Member m : usable()) {
            instructions.append(' ').append(m.name()).append('_');
            JsonObject caps = m.initializeResult().getJsonObject("capabilities", new JsonObject());
            subscribe |= caps.getValue("resources") instanceof JsonObject r && r.getBoolean("subscribe", false);
            logging |= caps.containsKey("logging");
            completions |= caps.containsKey("completions");
            if (m.initializeResult().getValue("instructions") instanceof String text && !text.isBlank()) {
                told.add(m.name() + ": " + text.strip());
            }
        }
        told.forEach(text -> instructions.append("\n\n").append(text));
        JsonObject capabilities = new JsonObject()
                .put("tools", new JsonObject().put("listChanged", true))
                .put("prompts", new JsonObject().put("listChanged", true))
                .put("resources", new JsonObject().put("listChanged", true).put("subscribe", subscribe));
        if (logging) {
            capabilities.put("logging", new JsonObject());
        }
        if (completions) {
            capabilities.put("completions", new JsonObject());
        }
        return new JsonObject()
                .put("protocolVersion", version)
                .put("capabilities", capabilities)
                .put(
                        "serverInfo",
                        new JsonObject()
                                .put("name", Identity.NAME)
                                .put("title", Identity.NAME + " " + spec.route().path())
                                .put("version", Identity.VERSION))
                .put("instructions", instructions.toString());
    }

    private void list(JsonRpcMessage request, Listing listing) {
        List<Member> asked = usable();
        List<Future<Catalog.Part>> parts = new ArrayList<>();
        Catalog.Unavailable[] missing = new Catalog.Unavailable[asked.size()];
        for (int i = 0; i < asked.size(); i++) {
            Member m = asked.get(i);
            int at = i;
            parts.add(ready(m).compose(v -> m.declares(listing.capability)
                            ? pages(m, listing, new JsonArray(), null, 1)
                            : Future.succeededFuture(new JsonArray()))
                    .map(items -> {
                        // The member's rules judge its own names, before they get the prefix.
                        ListFilter.filterResult(
                                listing.method, new JsonObject().put(listing.array, items), m.visibility());
                        return new Catalog.Part(m.path(), m.name(), items);
                    })
                    .recover(e -> {
                        missing[at] = new Catalog.Unavailable(m.path(), e.getMessage());
                        return Future.succeededFuture();
                    }));
        }
        Future.join(parts).onComplete(done -> {
            List<Catalog.Part> merged = new ArrayList<>();
            List<Catalog.Unavailable> unavailable = new ArrayList<>();
            for (int i = 0; i < asked.size(); i++) {
                if (parts.get(i).result() != null) {
                    merged.add(parts.get(i).result());
                }
                if (missing[i] != null) {
                    unavailable.add(missing[i]);
                }
            }
            respond(request.idKey(), catalog.merge(listing, merged, unavailable));
        });
    }

    /** Every page of one member's list (a cursor per page, as the client would follow them). */
    private Future<JsonArray> pages(Member m, Listing listing, JsonArray into, String cursor, int page) {
        JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
        return m.request(listing.method, params, requestTimeoutMillis).compose(result -> {
            if (result.getValue(listing.array) instanceof JsonArray items) {
                into.addAll(items);
            }
            String next = result.getValue("nextCursor") instanceof String s ? s : null;
            return next == null || page >= MAX_PAGES
                    ? Future.succeededFuture(into)
                    : pages(m, listing, into, next, page + 1);
        });
    }

    private void call(JsonRpcMessage request) {
        boolean tool = "tools/call".equals(request.method());
        Kind kind = tool ? Kind.TOOL : Kind.PROMPT;
        String name = request.params().getValue("name") instanceof String s ? s : "";
        Target target = catalog.named(tool ? Listing.TOOLS : Listing.PROMPTS, name, usablePaths());
        Member m = target == null ? null : usable(target.memberPath());
        if (m == null) {
            error(request.idKey(), McpErrors.INVALID_PARAMS, "Unknown " + kind.noun + ": " + name, null);
            return;
        }
        if (!allowed(m, kind, target.original(), request.idKey())) {
            return;
        }
        dispatch(m, withParams(request, request.params().copy().put("name", target.original())), request.idKey());
    }

    private void onResource(JsonRpcMessage request) {
        String uri = request.params().getValue("uri") instanceof String s ? s : "";
        Member m = resourceOwner(uri);
        if (m == null) {
            error(
                    request.idKey(),
                    McpErrors.INVALID_PARAMS,
                    "Unknown resource: " + uri + " (no member route listed it or a template it fits)",
                    null);
            return;
        }
        if (allowed(m, Kind.RESOURCE, uri, request.idKey())) {
            dispatch(m, request, request.idKey());
        }
    }

    private void complete(JsonRpcMessage request) {
        JsonObject ref = request.params().getValue("ref") instanceof JsonObject r ? r : new JsonObject();
        if ("ref/prompt".equals(ref.getValue("type"))) {
            String name = ref.getValue("name") instanceof String s ? s : "";
            Target target = catalog.named(Listing.PROMPTS, name, usablePaths());
            Member m = target == null ? null : usable(target.memberPath());
            if (m == null) {
                error(request.idKey(), McpErrors.INVALID_PARAMS, "Unknown prompt: " + name, null);
            } else if (allowed(m, Kind.PROMPT, target.original(), request.idKey())) {
                JsonObject params = request.params().copy();
                params.getJsonObject("ref").put("name", target.original());
                dispatch(m, withParams(request, params), request.idKey());
            }
            return;
        }
        String uri = ref.getValue("uri") instanceof String s ? s : "";
        Member m = resourceOwner(uri);
        if (m == null) {
            error(request.idKey(), McpErrors.INVALID_PARAMS, "Unknown resource: " + uri, null);
        } else if (allowed(m, Kind.RESOURCE, uri, request.idKey())) {
            dispatch(m, request, request.idKey());
        }
    }

    private void setLevel(JsonRpcMessage request) {
        List<Future<JsonObject>> told = new ArrayList<>();
        for (Member m : ready()) {
            if (m.declares("logging")) {
                told.add(m.request("logging/setLevel", request.params(), requestTimeoutMillis)
                        .otherwiseEmpty());
            }
        }
        Future.join(told).onComplete(done -> respond(request.idKey(), new JsonObject()));
    }

    /** The member a resource URI belongs to; the only member with resources when none listed it. */
    private Member resourceOwner(String uri) {
        Target target = catalog.resource(uri);
        if (target != null) {
            return usable(target.memberPath());
        }
        List<Member> withResources =
                usable().stream().filter(m -> m.declares("resources")).toList();
        return withResources.size() == 1 ? withResources.get(0) : null;
    }

    /** Whether the member's rules let the user use it; if not, the request is answered with the refusal. */
    private boolean allowed(Member m, Kind kind, String name, String idKey) {
        Decision decision = m.visibility().decide(kind, name);
        if (decision.allowed()) {
            return true;
        }
        Audit.accessDenied(spec.owner().email(), spec.owner().clientId(), m.path(), kind.noun, name, decision.rule());
        error(
                idKey,
                JsonRpcErrors.FORBIDDEN,
                "Forbidden: the " + kind.noun + " " + name + " is not available to this user on " + m.path(),
                null);
        return false;
    }

    /** Sends a client's request to its member, starting it if it is not ready; a member that is down refuses it. */
    private void dispatch(Member m, JsonRpcMessage request, String clientIdKey) {
        ready(m).onComplete(ar -> {
            if (ar.succeeded()) {
                m.forward(request, clientIdKey);
            } else {
                unavailable(clientIdKey, m, ar.cause().getMessage());
            }
        });
    }

    /** The member once it is ready: started now if need be, unless it failed a moment ago. */
    private Future<Void> ready(Member m) {
        if (m.state() == Member.State.DOWN && System.nanoTime() - m.failedAt() < RETRY_MS * 1_000_000) {
            return Future.failedFuture(m.failure());
        }
        if (initializeParams == null) {
            return Future.failedFuture("the client has not initialized the session");
        }
        return m.start(initializeParams, startTimeoutMillis);
    }

    private static JsonRpcMessage withParams(JsonRpcMessage request, JsonObject params) {
        return JsonRpcMessage.of(request.json().copy().put("params", params));
    }

    // ---- what members send ----------------------------------------------------------------

    /** A member's answer to a client's request: the client gets it under its own id. */
    void answerFromMember(JsonRpcMessage response, String clientIdKey) {
        listener.onMessage(response.withIdKey(clientIdKey).raw(), null);
    }

    /** A member's request or notification, related to the client's request {@code relatedClientIdKey} if any. */
    void fromMember(Member m, JsonRpcMessage message, String relatedClientIdKey) {
        if (message.isRequest()) {
            String id = nextId();
            serverRequests.put(id, new Origin(m, message.idKey()));
            listener.onMessage(message.withIdKey(id).raw(), relatedClientIdKey);
            return;
        }
        if ("notifications/cancelled".equals(message.method())) {
            // The member gave up a request it sent the client: the client knows it by the aggregate's id.
            String theirs = JsonRpcMessage.idKeyOf(message.params().getValue("requestId"));
            String ours = serverRequests.entrySet().stream()
                    .filter(e ->
                            e.getValue().member() == m && e.getValue().idKey().equals(theirs))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            if (ours == null) {
                return;
            }
            serverRequests.remove(ours);
            JsonObject params = message.params().copy().put("requestId", Json.decodeValue(ours));
            listener.onMessage(withParams(message, params).raw(), relatedClientIdKey);
            return;
        }
        listener.onMessage(message.raw(), relatedClientIdKey);
    }

    boolean awaitingResponse(String clientIdKey) {
        return listener.awaitingResponse(clientIdKey);
    }

    String clientIdKey(String idKey) {
        return listener.clientIdKey(idKey);
    }

    void clientRequestFailed(Member m, String clientIdKey, String reason) {
        unavailable(clientIdKey, m, reason);
    }

    void unreadable(Member m, String problem) {
        log.atDebug()
                .addKeyValue("route", spec.route().path())
                .addKeyValue("member", m.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("problem", problem)
                .log("a member sent something that is not a JSON-RPC message; dropped");
    }

    void memberUp(Member m, boolean recovered) {
        metrics.backends().aggregateMember(spec.route().path(), m.path(), null);
        log.atInfo()
                .addKeyValue("route", spec.route().path())
                .addKeyValue("member", m.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("user", spec.owner().email())
                .log(recovered ? "aggregate member is back" : "aggregate member started");
        if (recovered) {
            listsChanged(m);
        }
    }

    void memberDown(Member m, String kind, String reason, boolean wasReady) {
        if (closing) {
            return;
        }
        // Counted against the member's route, as its own sessions' failures are, and named in /ready.
        metrics.backendError(m.path(), kind, reason);
        metrics.backends().aggregateMember(spec.route().path(), m.path(), reason);
        log.atWarn()
                .addKeyValue("route", spec.route().path())
                .addKeyValue("member", m.path())
                .addKeyValue("session", spec.id())
                .addKeyValue("user", spec.owner().email())
                .addKeyValue("reason", reason)
                .log("aggregate member is unavailable; the others carry on");
        // Server→client requests it made can no longer be answered.
        serverRequests.values().removeIf(origin -> origin.member() == m);
        if (wasReady) {
            listsChanged(m);
        }
    }

    /** The merged lists changed (a member came or went): the client is told as if a member had said so. */
    private void listsChanged(Member m) {
        for (String list : List.of("tools", "prompts", "resources")) {
            if (m.declares(list)) {
                notifyClient("notifications/" + list + "/list_changed");
            }
        }
    }

    private void notifyClient(String method) {
        listener.onMessage(
                new JsonObject().put("jsonrpc", "2.0").put("method", method).encode(), null);
    }

    /** A new id for a message the aggregate sends (to a member, or to the client for a member), as JSON text. */
    String nextId() {
        return Json.encode("agg-" + (++ids));
    }

    // ---- access ---------------------------------------------------------------------------

    private void reJudge(FrontConfig config) {
        List<Boolean> before = members.stream().map(Member::admitted).toList();
        List<Visibility> seen = members.stream().map(Member::visibility).toList();
        judge(config::route, config.groups());
        boolean changed = false;
        for (int i = 0; i < members.size(); i++) {
            changed |= before.get(i) != members.get(i).admitted()
                    || !seen.get(i).equals(members.get(i).visibility());
        }
        if (changed) {
            List.of("tools", "prompts", "resources")
                    .forEach(list -> notifyClient("notifications/" + list + "/list_changed"));
        }
    }

    /** Each member's rules for this user: whether they may use it, and what of it they see. */
    private void judge(Function<String, Optional<RouteConfig>> routes, Map<String, List<String>> groups) {
        for (Member m : members) {
            Optional<RouteConfig> route = routes.apply(m.path());
            boolean admitted =
                    route.map(r -> r.access().admits(caller, groups).allowed()).orElse(false);
            m.access(
                    admitted,
                    route.map(r -> r.access().visibilityFor(caller, groups)).orElse(Visibility.ALL));
        }
    }

    private List<Member> usable() {
        return members.stream().filter(Member::admitted).toList();
    }

    private List<String> usablePaths() {
        return usable().stream().map(Member::path).toList();
    }

    private Member usable(String path) {
        return usable().stream().filter(m -> m.path().equals(path)).findFirst().orElse(null);
    }

    private List<Member> ready() {
        return usable().stream().filter(m -> m.state() == Member.State.READY).toList();
    }

    // ---- answers ---------------------------------------------------------------------------

    private void respond(String idKey, JsonObject result) {
        listener.onMessage(
                new JsonObject()
                        .put("jsonrpc", "2.0")
                        .put("id", Json.decodeValue(idKey))
                        .put("result", result)
                        .encode(),
                null);
    }

    private void error(String idKey, int code, String message, JsonObject data) {
        listener.onMessage(JsonRpcErrors.error(idKey, code, message, data), null);
    }

    private void unavailable(String clientIdKey, Member m, String reason) {
        error(
                clientIdKey,
                JsonRpcErrors.BACKEND_UNAVAILABLE,
                "Backend error: " + m.path() + " (a member of " + spec.route().path() + ") is unavailable: " + reason,
                new JsonObject().put("member", m.path()));
    }
}
