package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.mcpfront.access.Visibility;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.EventIds;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.ServerConfig;
import org.mcpfront.edge.SessionClient.SessionFailure;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.Envelope;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.McpErrors;
import org.mcpfront.protocol.ModernRequests;
import org.mcpfront.protocol.ProtocolVersions;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.McpHeaders;
import org.mcpfront.transport.SseWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /<route>/mcp}: the Streamable HTTP transport (MCP 2025-03-26 and later). POST carries client
 * messages and, for requests, returns their responses as JSON when a single response is all there is
 * to send, else as an SSE stream; GET opens the stream for server-initiated messages; DELETE ends the
 * session.
 */
final class StreamableHttpEndpoint {

    private static final Logger log = LoggerFactory.getLogger(StreamableHttpEndpoint.class);
    private static final String PARAM_PREFIX = ModernRequests.PARAM_HEADER_PREFIX.toLowerCase(Locale.ROOT);
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    /** The {@code retry:} a resumable stream gives its client: how soon to reconnect after losing it. */
    static final long RETRY_MILLIS = 1_000;

    private final Vertx vertx;
    private final ClientStreams streams;
    private final SessionClient sessions;
    private final Supplier<ServerConfig> server;
    private final Modern modern;

    /** What the 2026-07-28 side of the endpoint needs. */
    record Modern(BackendEras eras, ModernProxy proxy, Bridges bridges, RequestStates states) {}

    StreamableHttpEndpoint(
            Vertx vertx, ClientStreams streams, SessionClient sessions, Supplier<ServerConfig> server, Modern modern) {
        this.vertx = vertx;
        this.streams = streams;
        this.sessions = sessions;
        this.server = server;
        this.modern = modern;
    }

    void post(RoutingContext ctx, RouteConfig route) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        String accept = request.getHeader("Accept");
        boolean acceptsSse = accepts(accept, "text/event-stream");
        boolean acceptsJson = accepts(accept, "application/json");
        if (!acceptsSse && !acceptsJson) {
            Replies.error(
                    response,
                    406,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Not acceptable: the Accept header must list application/json and text/event-stream");
            return;
        }
        if (!isJsonContent(request.getHeader("Content-Type"))) {
            Replies.error(
                    response,
                    415,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Unsupported media type: send Content-Type: application/json");
            return;
        }
        List<JsonRpcMessage> messages;
        try {
            messages = JsonRpcMessage.parseBody(BodyText.of(ctx));
        } catch (JsonRpcException e) {
            response.setStatusCode(400)
                    .putHeader("Content-Type", "application/json")
                    .end(e.toResponse());
            return;
        }
        if (messages.size() == 1 && Envelope.claim(messages.get(0)) != null) {
            modern(ctx, route, messages.get(0), acceptsSse, acceptsJson);
            return;
        }
        if (ProtocolVersions.isModern(request.getHeader(McpHeaders.PROTOCOL_VERSION))) {
            // The header claims 2026-07-28 but the body does not: the body decides, and it is incomplete.
            JsonRpcMessage first = messages.get(0);
            Replies.error(
                    response,
                    400,
                    first.idKey(),
                    McpErrors.INVALID_PARAMS,
                    "Invalid params: a 2026-07-28 " + "request carries _meta." + Envelope.PROTOCOL_VERSION + " and "
                            + Envelope.CLIENT_CAPABILITIES);
            return;
        }
        JsonRpcMessage initialize = messages.stream()
                .filter(JsonRpcMessage::isInitialize)
                .findFirst()
                .orElse(null);
        String sessionId = request.getHeader(McpHeaders.SESSION_ID);
        if (initialize != null && messages.size() > 1) {
            Replies.error(response, 400, initialize.idKey(), "Invalid request: initialize must be sent on its own");
            return;
        }
        if (initialize == null && !checkSessionHeaders(request, response, sessionId)) {
            return;
        }
        List<JsonRpcMessage> requests =
                messages.stream().filter(JsonRpcMessage::isRequest).toList();
        SessionOwner owner = BearerCheck.owner(ctx);
        if (requests.isEmpty()) {
            sendAll(sessionId, owner.binding(route.path()), messages, null, false, AccessGate.visibility(ctx))
                    .onSuccess(v -> response.setStatusCode(202).end())
                    .onFailure(e -> fail(response, e, null));
            return;
        }
        PostStream stream = acceptsSse ? new SsePostStream(ctx, route.path(), acceptsJson) : new JsonPostStream(ctx);
        stream.owner = owner.binding(route.path());
        StreamRef registered = streams.register(stream);
        Future<String> session = initialize != null
                ? sessions.open(route, ClientTransport.STREAMABLE, null, owner)
                : Future.succeededFuture(sessionId);
        session.compose(id -> {
                    stream.sessionId = id;
                    // An SSE answer can be resumed after a lost connection (GET with Last-Event-ID); a JSON one cannot.
                    stream.ref = acceptsSse
                            ? ClientStreams.keyed(registered, EventIds.newKey(id, EventIds.POST))
                            : registered;
                    response.closeHandler(v -> clientGone(stream.ref, stream));
                    return sendAll(
                            id,
                            owner.binding(route.path()),
                            messages,
                            stream.ref,
                            !acceptsSse,
                            AccessGate.visibility(ctx));
                })
                .onSuccess(v -> stream.begin())
                .onFailure(e -> {
                    streams.unregister(registered);
                    fail(response, e, requests.size() == 1 ? requests.get(0).idKey() : null);
                });
    }

    /**
     * A 2026-07-28 request: checked against its headers, then forwarded as it is to a 2026-07-28 HTTP
     * backend, or carried by the user's bridged session (any other backend). No session id goes back:
     * this revision has none, and an {@code Mcp-Session-Id} the client sent is ignored.
     */
    private void modern(
            RoutingContext ctx, RouteConfig route, JsonRpcMessage message, boolean acceptsSse, boolean acceptsJson) {
        HttpServerResponse response = ctx.response();
        ModernRequests.Checked checked;
        try {
            checked = ModernRequests.check(message, ctx.request()::getHeader);
        } catch (ModernRequests.Refusal refusal) {
            response.setStatusCode(refusal.status)
                    .putHeader("Content-Type", "application/json")
                    .end(refusal.body);
            return;
        }
        SessionOwner owner = BearerCheck.owner(ctx);
        if (checked.legacyHeader()) {
            log.atDebug()
                    .addKeyValue("route", route.path())
                    .addKeyValue("user", owner.email())
                    .addKeyValue("header", ctx.request().getHeader(McpHeaders.PROTOCOL_VERSION))
                    .log("a 2026-07-28 request with a 2025 MCP-Protocol-Version header; treated as 2026-07-28");
        }
        if (!message.isRequest()) {
            // No client notification means anything on 2026-07-28 HTTP (cancelling is closing the stream).
            response.setStatusCode(202).end();
            return;
        }
        if (ModernRequests.REMOVED_METHODS.contains(message.method())) {
            Replies.error(
                    response,
                    404,
                    message.idKey(),
                    McpErrors.METHOD_NOT_FOUND,
                    "Method not found: " + message.method() + " does not exist in MCP "
                            + checked.envelope().protocolVersion());
            return;
        }
        String version = checked.envelope().protocolVersion();
        if (route.type() == RouteConfig.RouteType.STDIO) {
            bridge(ctx, route, message, owner, acceptsSse, acceptsJson, false);
            return;
        }
        modern.eras().eraOf(route).onComplete(era -> {
            if (era.succeeded() && era.result() == Era.MODERN) {
                modern.proxy()
                        .forward(
                                ctx,
                                route,
                                message,
                                version,
                                owner,
                                AccessGate.visibility(ctx),
                                () -> bridge(ctx, route, message, owner, acceptsSse, acceptsJson, false));
            } else if (era.succeeded()) {
                bridge(ctx, route, message, owner, acceptsSse, acceptsJson, false);
            } else {
                Replies.error(
                        response,
                        502,
                        message.idKey(),
                        "Bad gateway: the backend of " + route.path() + " does not answer usefully: "
                                + era.cause().getMessage());
            }
        });
    }

    /** Sends a 2026-07-28 request through the user's session for the route (a retry: to the session it names). */
    private void bridge(
            RoutingContext ctx,
            RouteConfig route,
            JsonRpcMessage message,
            SessionOwner owner,
            boolean acceptsSse,
            boolean acceptsJson,
            boolean secondTry) {
        HttpServerResponse response = ctx.response();
        String state = message.params().getValue("requestState") instanceof String text && RequestStates.isOurs(text)
                ? text
                : null;
        Future<String> target;
        if (state != null) {
            try {
                target = Future.succeededFuture(modern.states()
                        .open(state, owner.subject(), route.path(), message.method(), message.params())
                        .session());
            } catch (RequestStates.Invalid e) {
                Replies.error(
                        response, 400, message.idKey(), McpErrors.INVALID_PARAMS, "Invalid params: " + e.getMessage());
                return;
            }
        } else {
            target = modern.bridges().sessionFor(route, owner);
        }
        PostStream stream = acceptsSse ? new SsePostStream(ctx, route.path(), acceptsJson) : new JsonPostStream(ctx);
        stream.owner = owner.binding(route.path());
        stream.modern = true;
        StreamRef ref = streams.register(stream);
        stream.ref = ref;
        target.compose(id -> {
                    stream.sessionId = id;
                    response.closeHandler(v -> clientGone(ref, stream));
                    return sessions.send(
                            id,
                            stream.owner,
                            message,
                            ref,
                            !acceptsSse,
                            paramHeaders(ctx, message),
                            AccessGate.visibility(ctx));
                })
                .onSuccess(v -> stream.begin())
                .onFailure(e -> {
                    streams.unregister(ref);
                    boolean gone = e instanceof SessionFailure failure && failure.status == 404;
                    if (gone && state != null) {
                        Replies.error(
                                response,
                                400,
                                message.idKey(),
                                McpErrors.INVALID_PARAMS,
                                "Invalid params: the call "
                                        + "this requestState belongs to is gone (its session ended); send the "
                                        + "request again without it");
                    } else if (gone && !secondTry && stream.sessionId != null) {
                        modern.bridges().forget(route, owner, stream.sessionId);
                        bridge(ctx, route, message, owner, acceptsSse, acceptsJson, true);
                    } else {
                        fail(response, e, message.idKey());
                    }
                });
    }

    /** A tools/call's {@code Mcp-Param-*} headers as JSON (lower-case names), for the session to check. */
    private static JsonObject paramHeaders(RoutingContext ctx, JsonRpcMessage message) {
        if (!"tools/call".equals(message.method())) {
            return null;
        }
        JsonObject mirrored = new JsonObject();
        for (Map.Entry<String, String> header : ctx.request().headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(PARAM_PREFIX)) {
                mirrored.put(name, header.getValue());
            }
        }
        return mirrored;
    }

    private boolean checkSessionHeaders(HttpServerRequest request, HttpServerResponse response, String sessionId) {
        if (sessionId == null || sessionId.isBlank()) {
            Replies.error(
                    response,
                    400,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Bad request: Mcp-Session-Id header is required (send initialize first)");
            return false;
        }
        String version = request.getHeader(McpHeaders.PROTOCOL_VERSION);
        if (version != null && !McpHeaders.SUPPORTED_VERSIONS.contains(version)) {
            Replies.error(
                    response,
                    400,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Bad request: unsupported MCP-Protocol-Version " + version + "; supported: "
                            + String.join(
                                    ", ",
                                    McpHeaders.SUPPORTED_VERSIONS.stream()
                                            .sorted()
                                            .toList()));
            return false;
        }
        return true;
    }

    /** Sends the messages one after another, so the backend sees them in the order they came. */
    private Future<Void> sendAll(
            String sessionId,
            String owner,
            List<JsonRpcMessage> messages,
            StreamRef ref,
            boolean jsonOnly,
            Visibility visibility) {
        Future<Void> chain = Future.succeededFuture();
        for (JsonRpcMessage message : messages) {
            chain = chain.compose(v -> sessions.send(sessionId, owner, message, ref, jsonOnly, visibility));
        }
        return chain;
    }

    private void clientGone(StreamRef ref, PostStream stream) {
        streams.unregister(ref);
        if (!stream.finished && stream.sessionId != null) {
            // Closing a POST stream does not cancel its request (spec); the session drops the reply.
            sessions.detach(stream.sessionId, stream.owner, ref);
        }
    }

    void get(RoutingContext ctx, RouteConfig route) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        if (!accepts(request.getHeader("Accept"), "text/event-stream")) {
            Replies.error(
                    response,
                    406,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Not acceptable: the Accept header must list text/event-stream");
            return;
        }
        String sessionId = request.getHeader(McpHeaders.SESSION_ID);
        if (!checkSessionHeaders(request, response, sessionId)) {
            return;
        }
        String lastEventId = request.getHeader(LAST_EVENT_ID);
        EventIds.Position position = EventIds.parse(lastEventId);
        if (lastEventId != null && position == null) {
            log.atInfo()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", sessionId)
                    .log("a GET with a Last-Event-ID that is not one of mcp-front's; it opens a fresh stream");
        }
        if (position != null && !position.sessionId().equals(sessionId)) {
            Replies.error(
                    response,
                    400,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Bad request: Last-Event-ID is an event of another session than Mcp-Session-Id");
            return;
        }
        EventStream stream = new EventStream(new SseWriter(vertx, request));
        StreamRef registered = streams.register(stream);
        String owner = BearerCheck.binding(ctx);
        Future<StreamRef> opened;
        if (position == null) {
            opened = attachFresh(sessionId, owner, registered);
        } else {
            StreamRef resuming = ClientStreams.keyed(registered, position.key());
            opened = sessions.resume(sessionId, owner, lastEventId, resuming).compose(how -> switch (how) {
                case REPLAYING -> Future.succeededFuture(resuming);
                case COMPLETE -> Future.succeededFuture(null);
                case UNKNOWN -> attachFresh(sessionId, owner, registered);
            });
        }
        opened.onSuccess(ref -> {
                    if (ref == null) {
                        // The stream had ended and the client has all of it: nothing to resume, and no
                        // reason for it to try again (an empty 200 would have it reconnect at once).
                        streams.unregister(registered);
                        response.setStatusCode(204).end();
                        return;
                    }
                    response.closeHandler(x -> {
                        streams.unregister(ref);
                        if (!stream.ended()) {
                            sessions.detach(sessionId, owner, ref);
                        }
                    });
                    response.putHeader(McpHeaders.SESSION_ID, sessionId);
                    SseWriter writer = stream.writer()
                            .start(server.get().sseKeepAlive(), server.get().slowClientTimeout())
                            .describe(route.path(), sessionId)
                            .onFlow(full -> sessions.flow(sessionId, owner, ref, full))
                            .flushHeaders();
                    if (position == null || !ref.key().equals(position.key())) {
                        writer.prime(EventIds.id(ref.key(), 0), RETRY_MILLIS);
                    }
                    limitDuration(writer, System.nanoTime(), () -> !stream.ended(), () -> {
                        streams.unregister(ref);
                        sessions.detach(sessionId, owner, ref);
                    });
                    stream.started();
                })
                .onFailure(e -> {
                    streams.unregister(registered);
                    fail(response, e, null);
                });
    }

    /** Makes a new GET stream the session's stream for server messages. */
    private Future<StreamRef> attachFresh(String sessionId, String owner, StreamRef registered) {
        StreamRef ref = ClientStreams.keyed(registered, EventIds.newKey(sessionId, EventIds.GET));
        return sessions.attach(sessionId, owner, ref).map(ref);
    }

    /**
     * With {@code server.stream_max_duration} set, ends a stream that is still open after it with a
     * {@code retry:} field (SEP-1699 server-initiated disconnect), so that a proxy with a short timeout
     * never cuts an answer off; the client resumes with GET and {@code Last-Event-ID}, and the session
     * keeps what it sends meanwhile. {@code handOver} tells the session its client is away.
     */
    private void limitDuration(SseWriter writer, long openedAtNanos, BooleanSupplier open, Runnable handOver) {
        Duration max = server.get().streamMaxDuration();
        if (max == null || max.isZero()) {
            return;
        }
        long left = max.toMillis() - (System.nanoTime() - openedAtNanos) / 1_000_000;
        vertx.setTimer(Math.max(1, left), t -> {
            if (open.getAsBoolean() && !writer.ended()) {
                handOver.run();
                writer.retryThenEnd(RETRY_MILLIS);
            }
        });
    }

    void delete(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String sessionId = request.getHeader(McpHeaders.SESSION_ID);
        if (!checkSessionHeaders(request, ctx.response(), sessionId)) {
            return;
        }
        sessions.close(sessionId, BearerCheck.binding(ctx), "closed by client (DELETE)")
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(e -> fail(ctx.response(), e, null));
    }

    private static void fail(HttpServerResponse response, Throwable e, String idKey) {
        int status = e instanceof SessionFailure failure ? failure.status : 500;
        Replies.error(response, status, idKey, e.getMessage());
    }

    static boolean accepts(String accept, String type) {
        if (accept == null) {
            return false;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        return lower.contains(type) || lower.contains("*/*");
    }

    private static boolean isJsonContent(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    /** The response of one POST that carried requests. Messages that arrive before it starts wait. */
    private abstract static class PostStream implements ClientStream {
        final RoutingContext ctx;
        String sessionId;
        /** How the session knows this stream: resumable (with a key) when the answer may be an SSE stream. */
        StreamRef ref;
        /** The token subject that posted it; the session's owner. */
        String owner;
        /** A 2026-07-28 request: its answer carries no session id. */
        boolean modern;

        boolean finished;
        private boolean begun;
        private final List<String> early = new ArrayList<>();
        private final List<String> earlyIds = new ArrayList<>();
        private String earlyEnd;
        private boolean earlyLast;

        PostStream(RoutingContext ctx) {
            this.ctx = ctx;
        }

        void begin() {
            begun = true;
            if (!modern) {
                ctx.response().putHeader(McpHeaders.SESSION_ID, sessionId);
            }
            open();
            for (int i = 0; i < early.size(); i++) {
                write(early.get(i), earlyLast && i == early.size() - 1, earlyIds.get(i));
            }
            early.clear();
            earlyIds.clear();
            if (earlyEnd != null) {
                close(earlyEnd);
            }
        }

        @Override
        public void deliver(String raw, boolean last, String eventId) {
            if (!begun) {
                early.add(raw);
                earlyIds.add(eventId);
                earlyLast = last;
                return;
            }
            write(raw, last, eventId);
        }

        @Override
        public void end(String reason) {
            if (!begun) {
                earlyEnd = reason == null ? "session ended" : reason;
                return;
            }
            close(reason);
        }

        abstract void open();

        /** The status of a single JSON answer: 200, or what 2026-07-28 gives its own errors. */
        int statusFor(String raw) {
            if (!modern || !raw.contains("\"error\"")) {
                return 200;
            }
            try {
                JsonObject error = new JsonObject(raw).getJsonObject("error");
                return error == null || error.getInteger("code") == null
                        ? 200
                        : ModernRequests.statusOf(error.getInteger("code"));
            } catch (RuntimeException notAnObject) {
                return 200;
            }
        }

        abstract void write(String raw, boolean last, String eventId);

        abstract void close(String reason);
    }

    /**
     * An SSE response, or, for a client that accepts both, whatever fits what there is to send: the
     * type is chosen by the first message. A request answered before anything else gets its response
     * as plain JSON (cheaper for every client to read); one that sends progress or a server request
     * first, or stays quiet until the first keep-alive is due, gets the stream.
     */
    private final class SsePostStream extends PostStream {
        private final String routePath;
        private final boolean jsonAllowed;
        private SseWriter writer;
        private long holdTimer = -1;
        /** When the POST came: a stream's time limit counts from there, as a proxy's timeout does. */
        private final long openedAt = System.nanoTime();

        SsePostStream(RoutingContext ctx, String routePath, boolean jsonAllowed) {
            super(ctx);
            this.routePath = routePath;
            this.jsonAllowed = jsonAllowed;
        }

        @Override
        void open() {
            if (!jsonAllowed) {
                startStream();
                return;
            }
            // Quiet until the first keep-alive is due; then the stream starts with that keep-alive, so
            // proxies and clients see bytes exactly when they would have with a stream from the start.
            // With a time limit on streams, by half of it at the latest, so that the client holds an
            // event id to resume with when the limit ends the stream.
            long hold = server.get().sseKeepAlive().toMillis();
            Duration max = server.get().streamMaxDuration();
            if (ref != null && ref.resumable() && max != null && !max.isZero()) {
                hold = Math.min(hold, max.toMillis() / 2);
            }
            holdTimer = vertx.setTimer(Math.max(1, hold), t -> {
                holdTimer = -1;
                if (writer == null && !finished && !ctx.response().closed()) {
                    startStream().keepAlive();
                }
            });
        }

        private SseWriter startStream() {
            writer = new SseWriter(vertx, ctx.request())
                    .start(server.get().sseKeepAlive(), server.get().slowClientTimeout())
                    .describe(routePath, sessionId);
            if (ref != null) {
                writer.onFlow(full -> sessions.flow(sessionId, owner, ref, full));
            }
            if (ref != null && ref.resumable()) {
                // SEP-1699: the client holds an id from the start, and can resume even before the first message.
                writer.prime(EventIds.id(ref.key(), 0), RETRY_MILLIS);
                limitDuration(writer, openedAt, () -> !finished, () -> {
                    finished = true;
                    stopHolding();
                    streams.unregister(ref);
                    sessions.detach(sessionId, owner, ref);
                });
            }
            return writer;
        }

        private void stopHolding() {
            if (holdTimer >= 0) {
                vertx.cancelTimer(holdTimer);
                holdTimer = -1;
            }
        }

        @Override
        void write(String raw, boolean last, String eventId) {
            stopHolding();
            if (writer == null) {
                if (last) {
                    finished = true;
                    if (!ctx.response().closed()) {
                        ctx.response()
                                .setStatusCode(statusFor(raw))
                                .putHeader("Content-Type", "application/json")
                                .end(raw);
                    }
                    return;
                }
                startStream();
            }
            if (last) {
                finished = true;
                writer.lastEvent("message", raw, eventId);
            } else {
                writer.event("message", raw, eventId);
            }
        }

        @Override
        void close(String reason) {
            finished = true;
            stopHolding();
            if (writer == null) {
                if (ctx.response().closed()) {
                    return;
                }
                startStream();
            }
            writer.end();
        }
    }

    /** For clients that accept only JSON: the response(s), then the end; nothing else fits. */
    private static final class JsonPostStream extends PostStream {
        private final List<String> responses = new ArrayList<>();

        JsonPostStream(RoutingContext ctx) {
            super(ctx);
        }

        @Override
        void open() {
            ctx.response().putHeader("Content-Type", "application/json");
        }

        @Override
        void write(String raw, boolean last, String eventId) {
            responses.add(raw);
            if (last) {
                finished = true;
                if (responses.size() == 1) {
                    ctx.response().setStatusCode(statusFor(raw)).end(raw);
                } else {
                    ctx.response().end("[" + String.join(",", responses) + "]");
                }
            }
        }

        @Override
        void close(String reason) {
            finished = true;
            if (!responses.isEmpty()) {
                ctx.response().end(responses.size() == 1 ? responses.get(0) : "[" + String.join(",", responses) + "]");
            } else {
                Replies.error(ctx.response(), 502, null, "Session ended before answering: " + reason);
            }
        }
    }
}
