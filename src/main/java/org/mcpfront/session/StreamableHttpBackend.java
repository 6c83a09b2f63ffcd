package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.McpHeaders;
import org.mcpfront.transport.SseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Streamable HTTP backend (MCP 2025-03-26 and later): one POST per client message, answered with
 * JSON or an SSE stream; a GET stream for server-initiated messages once the session is initialized;
 * DELETE on close. A response stream that the backend closes before answering is resumed with
 * {@code Last-Event-ID} when the backend gave event ids (SSE polling, MCP 2025-11-25).
 *
 * <p>A backend that cannot be reached (a restart, a deploy) does not end the session. Requests whose
 * connection broke fail (they may have reached it: never sent twice); messages that could not connect,
 * and every later one, wait in order while the backend is tried again with a {@link Backoff}, each bounded
 * by the route's {@code request_timeout}. Waiting rather than answering at once with a retryable error:
 * a 2025 client (Claude among them) shows a failed tool call to the model and the user, and retries
 * nothing by itself, so an outage of a few seconds is best hidden inside one slow call. A backend back
 * with a new process answers 404 for the old session id, and a new upstream session is opened (below).
 */
final class StreamableHttpBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(StreamableHttpBackend.class);
    private static final long DEFAULT_RETRY_MS = 1_000;
    private static final int MAX_RESUMES_WITHOUT_PROGRESS = 3;
    private static final int MAX_STANDALONE_RETRIES = 5;
    private static final long CLOSE_TIMEOUT_MS = 5_000;
    /** A backend that forgets each new session at once is not restarting; it is broken. */
    private static final int MAX_REOPENS_IN_A_ROW = 3;

    private static final long REOPEN_WINDOW_NANOS = 10_000_000_000L;

    private final Vertx vertx;
    private final BackendHttp http;
    private final RouteConfig route;
    /** The response streams being read, paused while a client does not read. */
    private final ResponseReads reads = new ResponseReads();

    private final URI url;
    private final String session;
    private final BackendListener listener;
    /** Requests whose streams are open, so that closing the session cuts them. */
    private final Set<HttpClientRequest> open = new HashSet<>();

    private String backendSessionId;
    private String protocolVersion;
    private boolean standaloneStarted;
    /** Adopted from an instance that died: the upstream session is taken over rather than opened. */
    private boolean resumed;
    /** The client's initialize and whether it said initialized: what a new upstream session is opened with. */
    /** The client's initialize as it arrived (the text only: parsed again on the rare reopen, not kept parsed). */
    private String clientInitialize;

    private boolean clientInitialized;
    /** Set while a new upstream session is being opened; messages wait in order. */
    private boolean reopening;
    /** Set while the backend cannot be reached; messages wait in order, the first one probes it. */
    private boolean reconnecting;

    private final Backoff backoff = new Backoff();
    private long probeTimer = -1;
    /** A waiting message is trying the backend: the others stay behind it, in order. */
    private boolean probing;

    private long unreachableSince;
    /** The server stream's own attempts while the backend is away. */
    private final Backoff standaloneBackoff = new Backoff();

    private final ArrayDeque<JsonRpcMessage> waiting = new ArrayDeque<>();
    private long reopenedAt;
    private int reopensInARow;
    private int standaloneRetries;
    private boolean closing;
    private long reopenIds;
    /** Which upstream session the server stream belongs to; a reopened session starts a new one. */
    private long generation;

    StreamableHttpBackend(Vertx vertx, BackendHttp http, RouteConfig route, String session, BackendListener listener) {
        this.vertx = vertx;
        this.http = http;
        this.route = route;
        this.url = route.http().orElseThrow().url();
        this.session = session;
        this.listener = listener;
    }

    @Override
    public Future<Void> open() {
        if (resumed) {
            if (backendSessionId == null) {
                // Adopted before the backend gave its session an id: open one in the client's name.
                reopen(null);
            } else if (clientInitialized && !standaloneStarted) {
                // Adopted: the upstream session is taken over; its server stream died with the old instance.
                // A backend that forgot the session answers 404 here, which opens a new one.
                standaloneStarted = true;
                openStandalone(new StreamState());
            }
        }
        return Future.succeededFuture();
    }

    @Override
    public boolean resume(SessionFacts facts) {
        if (facts.initialize() == null) {
            return false;
        }
        try {
            JsonRpcMessage.parse(facts.initialize());
        } catch (JsonRpcException e) {
            return false;
        }
        clientInitialize = facts.initialize();
        clientInitialized = facts.initialized();
        backendSessionId = facts.upstreamSessionId();
        protocolVersion = facts.protocolVersion();
        resumed = true;
        return true;
    }

    @Override
    public void pause() {
        reads.pause();
    }

    @Override
    public void resume() {
        reads.resume();
    }

    @Override
    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    @Override
    public void send(JsonRpcMessage message) {
        if (message.isInitialize()) {
            clientInitialize = message.raw();
        } else if ("notifications/initialized".equals(message.method())) {
            clientInitialized = true;
        }
        if (reopening || reconnecting) {
            if (!withdrawn(message)) {
                waiting.add(message);
            }
            if (reconnecting && !reopening && probeTimer < 0 && !probing) {
                // Nothing was probing (what waited timed out): this message tries the backend now.
                probe();
            }
            return;
        }
        post(message, false);
    }

    /**
     * A cancellation of a request that still waits here (its request_timeout passed while the backend was
     * away): the request is taken back and neither is sent.
     */
    private boolean withdrawn(JsonRpcMessage message) {
        if (!"notifications/cancelled".equals(message.method())) {
            return false;
        }
        String idKey = JsonRpcMessage.idKeyOf(message.params().getValue("requestId"));
        return idKey != null && waiting.removeIf(m -> m.isRequest() && idKey.equals(m.idKey()));
    }

    /**
     * POSTs one message with the current upstream session id.
     *
     * @param probe the message is the first of those waiting for an unreachable backend
     */
    private void post(JsonRpcMessage message, boolean probe) {
        RequestOptions options = BackendHttp.request(HttpMethod.POST, url, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, McpHeaders.ACCEPT_JSON_OR_STREAM);
        String sentWith = backendSessionId;
        BackendHttp.withSession(options, sentWith, protocolVersion);
        http.open(options).onComplete(opened -> {
            if (probe) {
                probing = false;
            }
            if (opened.failed()) {
                notConnected(message, opened.cause(), probe);
                return;
            }
            HttpClientRequest request = opened.result();
            if (closing) {
                request.reset();
                return;
            }
            reachable();
            open.add(request);
            request.send(message.raw())
                    .onSuccess(response -> onPostResponse(message, sentWith, request, response))
                    .onFailure(e -> {
                        open.remove(request);
                        if (!closing && message.isRequest()) {
                            // It may have reached the backend (a tool call may not be idempotent): it fails.
                            String reason = "backend connection broke: " + e.getMessage();
                            logBroken(reason);
                            listener.onRequestFailed(message.idKey(), reason);
                        }
                    });
        });
    }

    /** No connection was made for {@code message}: it was not sent. */
    private void notConnected(JsonRpcMessage message, Throwable cause, boolean probe) {
        if (closing) {
            return;
        }
        String reason = "cannot reach " + url + ": " + cause.getMessage();
        if (message.isInitialize()) {
            // A session that never reached its backend has nothing to keep: its client hears why at once,
            // and the route's start back-off applies.
            listener.onFailure("connect", reason);
            return;
        }
        if (!Backoff.unreachable(cause)) {
            // Not the backend's absence (the identity headers could not be made, say): this message fails.
            if (message.isRequest()) {
                listener.onRequestFailed(message.idKey(), reason);
            }
            return;
        }
        if (!message.isRequest() || listener.awaitingResponse(message.idKey())) {
            if (probe) {
                waiting.addFirst(message);
            } else {
                waiting.add(message);
            }
        }
        if (!reconnecting) {
            reconnecting = true;
            unreachableSince = System.nanoTime();
            backoff.reset();
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .addKeyValue("reason", reason)
                    .log("backend unreachable; messages wait for it, bounded by request_timeout");
            listener.onBackendReachable(false, reason);
        }
        if (probeTimer < 0 && !reopening) {
            probeTimer = vertx.setTimer(backoff.next(), t -> {
                probeTimer = -1;
                probe();
            });
        }
    }

    /** Sends the first waiting message: if it connects, the backend is back and the rest follow. */
    private void probe() {
        if (closing || !reconnecting || reopening) {
            return;
        }
        JsonRpcMessage first = waiting.poll();
        if (first != null) {
            probing = true;
            post(first, true);
        }
    }

    /** A connection to the backend was made: if it was away, it is back, and what waited goes out in order. */
    private void reachable() {
        if (!reconnecting) {
            return;
        }
        reconnecting = false;
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
            probeTimer = -1;
        }
        long downMs = (System.nanoTime() - unreachableSince) / 1_000_000;
        log.atInfo()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("down_ms", downMs)
                .log("backend reachable again; waiting messages go out");
        listener.onBackendReachable(true, "after " + downMs + " ms");
        flush();
    }

    private void flush() {
        while (!reopening && !reconnecting && !waiting.isEmpty()) {
            post(waiting.poll(), false);
        }
    }

    /**
     * The backend forgot the upstream session (HTTP 404 on its id: it restarted, or another process answers
     * behind the same URL). A new one is opened with the client's initialize, and the message that met the
     * 404, which the backend did not carry out, goes first once it is open. Requests whose streams broke
     * when the backend went away have had their errors; they are never sent again.
     */
    private void reopen(JsonRpcMessage refused) {
        if (clientInitialize == null) {
            listener.onFailure("session_expired", "the backend ended its session (HTTP 404)");
            return;
        }
        if (refused != null) {
            waiting.addFirst(refused);
        }
        if (reopening) {
            // One reopen for every message that met the same 404.
            return;
        }
        long now = System.nanoTime();
        reopensInARow = now - reopenedAt < REOPEN_WINDOW_NANOS ? reopensInARow + 1 : 1;
        reopenedAt = now;
        if (reopensInARow > MAX_REOPENS_IN_A_ROW) {
            listener.onFailure(
                    "session_expired",
                    "the backend ended its session (HTTP 404) again right after a new one was opened");
            return;
        }
        reopening = true;
        backendSessionId = null;
        standaloneStarted = false;
        // The old session's server stream, and its retries, are over; the new session gets its own.
        generation++;
        backoff.reset();
        openUpstream();
    }

    /**
     * Opens the new upstream session with the client's initialize. A backend that does not answer or
     * answers 5xx (still starting) is tried again with the back-off; a 4xx, or a 200 without a session id,
     * is definitive.
     */
    private void openUpstream() {
        if (closing) {
            return;
        }
        JsonObject initialize = new JsonObject(clientInitialize).put("id", "mf-reopen-" + (++reopenIds));
        RequestOptions options = BackendHttp.request(HttpMethod.POST, url, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, McpHeaders.ACCEPT_JSON_OR_STREAM);
        http.open(options)
                .compose(request -> request.send(initialize.encode()))
                .compose(response -> response.body()
                        .map(body -> new Reopened(
                                response.statusCode(), response.getHeader(McpHeaders.SESSION_ID), body.toString())))
                .onComplete(opened -> {
                    if (closing) {
                        return;
                    }
                    // No answer (refused, reset, cut: the backend is restarting again) or a 5xx is worth
                    // another try; opening a session twice costs the backend an idle session at worst.
                    boolean transientFailure =
                            opened.failed() || opened.result().status() >= 500;
                    if (transientFailure) {
                        String reason = opened.failed()
                                ? "cannot reach " + url + ": " + opened.cause().getMessage()
                                : "HTTP " + opened.result().status();
                        if (!reconnecting) {
                            reconnecting = true;
                            unreachableSince = System.nanoTime();
                            listener.onBackendReachable(false, reason);
                        }
                        vertx.setTimer(backoff.next(), t -> openUpstream());
                        return;
                    }
                    if (opened.result().status() != 200 || opened.result().session() == null) {
                        reopening = false;
                        String why = "HTTP " + opened.result().status() + " "
                                + BackendHttp.snippet(opened.result().body());
                        listener.onFailure(
                                "session_expired",
                                "the backend ended its session (HTTP 404) and refused a new one: " + why);
                        return;
                    }
                    backendSessionId = opened.result().session();
                    listener.onUpstreamSession(backendSessionId);
                    listener.onUpstreamReopened("the backend answered 404 for the upstream session");
                    if (clientInitialized) {
                        post(
                                JsonRpcMessage.of(new JsonObject()
                                        .put("jsonrpc", "2.0")
                                        .put("method", "notifications/initialized")),
                                false);
                    }
                    reopening = false;
                    if (reconnecting) {
                        reachable();
                    } else {
                        flush();
                    }
                });
    }

    /** The backend's answer to the initialize of a new upstream session. */
    private record Reopened(int status, String session, String body) {}

    private void logBroken(String reason) {
        log.atError()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("reason", reason)
                .log("backend connection broke; the request fails, the session stays for the backend's return");
    }

    private void onPostResponse(
            JsonRpcMessage message, String sentWith, HttpClientRequest request, HttpClientResponse response) {
        if (message.isInitialize() && response.getHeader(McpHeaders.SESSION_ID) != null) {
            backendSessionId = response.getHeader(McpHeaders.SESSION_ID);
            listener.onUpstreamSession(backendSessionId);
        }
        int status = response.statusCode();
        if (status == 404 && sentWith != null && !message.isInitialize()) {
            done(request, response);
            forgotten(message, sentWith);
            return;
        }
        if (status >= 400) {
            response.body().onComplete(body -> {
                open.remove(request);
                String text = body.succeeded() ? body.result().toString() : "";
                if (status == 400 && sentWith != null && !message.isInitialize() && forgotSession(text, message)) {
                    forgotten(message, sentWith);
                    return;
                }
                failed(message, status, text);
            });
            return;
        }
        if (message.isRequest() && BackendHttp.isEventStream(response)) {
            readStream(request, response, message.idKey(), new StreamState());
        } else if (message.isRequest() && BackendHttp.isJson(response)) {
            response.body().onComplete(body -> {
                open.remove(request);
                if (body.succeeded()) {
                    deliverJson(body.result().toString(), message.idKey());
                } else if (!closing) {
                    String reason = "backend connection broke: " + body.cause().getMessage();
                    logBroken(reason);
                    listener.onRequestFailed(message.idKey(), reason);
                }
            });
        } else {
            // 202 for notifications and responses; anything else for a request is left to request_timeout.
            done(request, response);
            if ("notifications/initialized".equals(message.method()) && !standaloneStarted) {
                standaloneStarted = true;
                openStandalone(new StreamState());
            }
        }
    }

    /**
     * The backend did not know the upstream session {@code message} was sent with. If a new one was opened
     * meanwhile (the message was on its way during a reopen), it goes again on the new one; otherwise a
     * new one is opened. The backend did not carry it out either way.
     */
    private void forgotten(JsonRpcMessage message, String sentWith) {
        if (closing) {
            return;
        }
        if (!reopening && backendSessionId != null && !sentWith.equals(backendSessionId)) {
            send(message);
        } else {
            reopen(message);
        }
    }

    private void failed(JsonRpcMessage message, int status, String body) {
        if (!message.isRequest()) {
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .addKeyValue("status", status)
                    .addKeyValue("method", message.method())
                    .log("backend refused a notification or response");
            return;
        }
        if (carriesResponseTo(body, message.idKey())) {
            listener.onMessage(body, message.idKey());
        } else {
            listener.onRequestFailed(
                    message.idKey(), "HTTP " + status + (body.isBlank() ? "" : ": " + BackendHttp.snippet(body)));
        }
    }

    /**
     * A 400 that refuses the session rather than the request: the TypeScript SDK's servers answer an unknown
     * session id that way ("No valid session ID provided") where the spec says 404. Only a transport-level
     * refusal (no response to this request) that names the session counts.
     */
    private static boolean forgotSession(String body, JsonRpcMessage message) {
        if (message.isRequest() && carriesResponseTo(body, message.idKey())) {
            return false;
        }
        return body.toLowerCase(Locale.ROOT).contains("session");
    }

    private static boolean carriesResponseTo(String body, String idKey) {
        try {
            JsonRpcMessage parsed = JsonRpcMessage.parse(body);
            return parsed.isResponse() && idKey.equals(parsed.idKey());
        } catch (Exception notJsonRpc) {
            return false;
        }
    }

    private void deliverJson(String body, String idKey) {
        String trimmed = body.stripLeading();
        if (trimmed.startsWith("[")) {
            for (Object member : new JsonArray(trimmed)) {
                listener.onMessage(
                        member instanceof JsonObject object ? object.encode() : String.valueOf(member), idKey);
            }
        } else {
            listener.onMessage(body, idKey);
        }
    }

    /**
     * Reads an SSE response. {@code relatedIdKey} is the request it answers, or null for the
     * standalone GET stream.
     */
    private void readStream(
            HttpClientRequest request, HttpClientResponse response, String relatedIdKey, StreamState state) {
        state.receivedOnThisConnection = false;
        SseParser parser = new SseParser(BackendHttp.MAX_EVENT_BYTES, event -> {
            if (event.id() != null) {
                state.lastEventId = event.id();
            }
            if (event.retryMillis() != null) {
                state.retryMillis = event.retryMillis();
            }
            if ("message".equals(event.name()) && !event.data().isEmpty()) {
                state.resumesWithoutProgress = 0;
                state.receivedOnThisConnection = true;
                listener.onMessage(event.data(), relatedIdKey);
            }
        });
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (IllegalStateException tooLarge) {
                request.reset();
                listener.onFailure("protocol", "backend sent an oversized event: " + tooLarge.getMessage());
            }
        });
        reads.add(response);
        response.exceptionHandler(e -> {
            open.remove(request);
            reads.remove(response);
            if (closing) {
                return;
            }
            String reason = "backend stream broke: " + e.getMessage();
            if (relatedIdKey == null) {
                // The server stream: open it again (a 404 then reopens the session, if that is what happened).
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", session)
                        .addKeyValue("reason", reason)
                        .log("backend server stream broke; opening it again");
                standaloneEnded(state);
            } else if (listener.awaitingResponse(relatedIdKey)) {
                logBroken(reason);
                listener.onRequestFailed(relatedIdKey, reason);
            }
        });
        response.endHandler(v -> {
            open.remove(request);
            reads.remove(response);
            if (closing) {
                return;
            }
            if (relatedIdKey == null) {
                standaloneEnded(state);
            } else if (listener.awaitingResponse(relatedIdKey)) {
                if (state.lastEventId != null && state.resumesWithoutProgress < MAX_RESUMES_WITHOUT_PROGRESS) {
                    vertx.setTimer(state.retryMillis, t -> resume(relatedIdKey, state));
                } else {
                    listener.onRequestFailed(relatedIdKey, "the backend closed the response stream without answering");
                }
            }
        });
    }

    private void resume(String relatedIdKey, StreamState state) {
        if (closing || !listener.awaitingResponse(relatedIdKey)) {
            return;
        }
        get(state.lastEventId).onComplete(ar -> {
            if (ar.failed()) {
                listener.onRequestFailed(
                        relatedIdKey,
                        "cannot resume the response stream: " + ar.cause().getMessage());
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() != 200 || !BackendHttp.isEventStream(response)) {
                done(response.request(), response);
                listener.onRequestFailed(
                        relatedIdKey, "cannot resume the response stream: HTTP " + response.statusCode());
                return;
            }
            state.resumesWithoutProgress++;
            readStream(response.request(), response, relatedIdKey, state);
        });
    }

    private void openStandalone(StreamState state) {
        if (closing || state.generation != generation) {
            return;
        }
        get(state.lastEventId).onComplete(ar -> {
            if (closing) {
                return;
            }
            if (ar.failed()) {
                if (Backoff.unreachable(ar.cause())) {
                    // Down for now (restarting, say): tried again with the back-off for as long as the
                    // session lives; when the backend is back, this stream is what notices it first.
                    vertx.setTimer(standaloneBackoff.next(), t -> openStandalone(state));
                } else {
                    standaloneEnded(state);
                }
                return;
            }
            standaloneBackoff.reset();
            HttpClientResponse response = ar.result();
            if (response.statusCode() == 200 && BackendHttp.isEventStream(response)) {
                reachable();
                readStream(response.request(), response, null, state);
                return;
            }
            done(response.request(), response);
            if (response.statusCode() == 404 && backendSessionId != null) {
                // Reopening first: what waited for the backend then goes out on the new session.
                reopen(null);
            } else if (response.statusCode() != 405) {
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", session)
                        .addKeyValue("status", response.statusCode())
                        .log("backend refused its server stream; server-initiated messages arrive only on responses");
            }
            reachable();
        });
    }

    private void standaloneEnded(StreamState state) {
        // Servers may close the GET stream at will (MCP 2025-11-25 polling); reconnect, but give up
        // on a backend that keeps closing it without sending anything.
        if (state.receivedOnThisConnection) {
            standaloneRetries = 0;
        }
        if (++standaloneRetries > MAX_STANDALONE_RETRIES) {
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .log("backend keeps closing its server stream; not reopening it");
            return;
        }
        vertx.setTimer(state.retryMillis, t -> openStandalone(state));
    }

    private Future<HttpClientResponse> get(String lastEventId) {
        RequestOptions options =
                BackendHttp.request(HttpMethod.GET, url, route).putHeader(HttpHeaders.ACCEPT, BackendHttp.EVENT_STREAM);
        BackendHttp.withSession(options, backendSessionId, protocolVersion);
        if (lastEventId != null) {
            options.putHeader(McpHeaders.LAST_EVENT_ID, lastEventId);
        }
        return http.open(options).compose(request -> {
            open.add(request);
            return request.send();
        });
    }

    private void done(HttpClientRequest request, HttpClientResponse response) {
        open.remove(request);
        response.body();
    }

    @Override
    public Future<Void> close() {
        closing = true;
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
        }
        for (HttpClientRequest request : Set.copyOf(open)) {
            request.reset();
        }
        open.clear();
        if (backendSessionId == null) {
            return Future.succeededFuture();
        }
        RequestOptions options =
                BackendHttp.request(HttpMethod.DELETE, url, route).setIdleTimeout(CLOSE_TIMEOUT_MS);
        BackendHttp.withSession(options, backendSessionId, protocolVersion);
        return http.open(options)
                .compose(request -> request.send())
                .compose(HttpClientResponse::body)
                .<Void>mapEmpty()
                .recover(e -> {
                    log.atDebug()
                            .addKeyValue("route", route.path())
                            .addKeyValue("session", session)
                            .addKeyValue("reason", e.getMessage())
                            .log("backend session DELETE failed");
                    return Future.succeededFuture();
                });
    }

    /** Progress of one SSE stream, kept across resumptions. */
    private final class StreamState {
        final long generation = StreamableHttpBackend.this.generation;
        String lastEventId;
        long retryMillis = DEFAULT_RETRY_MS;
        int resumesWithoutProgress;
        boolean receivedOnThisConnection;
    }
}
