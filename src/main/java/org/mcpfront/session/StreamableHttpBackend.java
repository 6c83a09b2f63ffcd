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
    private JsonRpcMessage clientInitialize;

    private boolean clientInitialized;
    /** Set while a new upstream session is being opened; messages wait in order. */
    private boolean reopening;

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
            clientInitialize = JsonRpcMessage.parse(facts.initialize());
        } catch (JsonRpcException e) {
            return false;
        }
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
            clientInitialize = message;
        } else if ("notifications/initialized".equals(message.method())) {
            clientInitialized = true;
        }
        if (reopening) {
            waiting.add(message);
            return;
        }
        post(message);
    }

    private void post(JsonRpcMessage message) {
        RequestOptions options = BackendHttp.request(HttpMethod.POST, url, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, McpHeaders.ACCEPT_JSON_OR_STREAM);
        BackendHttp.withSession(options, backendSessionId, protocolVersion);
        http.open(options)
                .compose(request -> {
                    open.add(request);
                    return request.send(message.raw())
                            .onSuccess(response -> onPostResponse(message, request, response))
                            .onFailure(e -> open.remove(request));
                })
                .onFailure(e -> {
                    if (closing) {
                        return;
                    }
                    String reason = "cannot reach " + url + ": " + e.getMessage();
                    if (backendSessionId != null && message.isRequest()) {
                        // The backend may be restarting: this request fails, the session waits for the next.
                        logBroken(reason);
                        listener.onRequestFailed(message.idKey(), reason);
                    } else if (backendSessionId == null) {
                        listener.onFailure("connect", reason);
                    }
                });
    }

    /**
     * The backend forgot the upstream session (HTTP 404 on its id: it restarted, or another process answers
     * behind the same URL). A new one is opened with the client's initialize, and the message that met the
     * 404, which the backend did not carry out, goes first once it is open. Requests whose streams broke
     * when the backend went away have had their errors; they are never sent again.
     */
    private void reopen(JsonRpcMessage refused) {
        long now = System.nanoTime();
        reopensInARow = now - reopenedAt < REOPEN_WINDOW_NANOS ? reopensInARow + 1 : 1;
        reopenedAt = now;
        if (clientInitialize == null || reopensInARow > MAX_REOPENS_IN_A_ROW) {
            listener.onFailure(
                    "session_expired",
                    "the backend ended its session (HTTP 404)"
                            + (clientInitialize == null ? "" : " again right after a new one was opened"));
            return;
        }
        if (refused != null) {
            waiting.addFirst(refused);
        }
        if (reopening) {
            return;
        }
        reopening = true;
        backendSessionId = null;
        standaloneStarted = false;
        // The old session's server stream, and its retries, are over; the new session gets its own.
        generation++;
        JsonObject initialize = clientInitialize.json().copy().put("id", "mf-reopen-" + (++reopenIds));
        RequestOptions options = BackendHttp.request(HttpMethod.POST, url, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, McpHeaders.ACCEPT_JSON_OR_STREAM);
        http.open(options)
                .compose(request -> request.send(initialize.encode()))
                .compose(response -> {
                    String session = response.getHeader(McpHeaders.SESSION_ID);
                    return response.body().map(body -> {
                        if (response.statusCode() != 200 || session == null) {
                            throw new IllegalStateException(
                                    "HTTP " + response.statusCode() + " " + BackendHttp.snippet(body.toString()));
                        }
                        return session;
                    });
                })
                .onComplete(opened -> {
                    if (closing) {
                        return;
                    }
                    if (opened.failed()) {
                        reopening = false;
                        listener.onFailure(
                                "session_expired",
                                "the backend ended its session (HTTP 404) and a new one " + "could not be opened: "
                                        + opened.cause().getMessage());
                        return;
                    }
                    backendSessionId = opened.result();
                    listener.onUpstreamSession(backendSessionId);
                    listener.onUpstreamReopened("the backend answered 404 for the upstream session");
                    if (clientInitialized) {
                        post(JsonRpcMessage.of(
                                new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")));
                    }
                    reopening = false;
                    while (!reopening && !waiting.isEmpty()) {
                        post(waiting.poll());
                    }
                });
    }

    private void logBroken(String reason) {
        log.atError()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("reason", reason)
                .log("backend connection broke; the request fails, the session stays for the backend's return");
    }

    private void onPostResponse(JsonRpcMessage message, HttpClientRequest request, HttpClientResponse response) {
        if (message.isInitialize() && response.getHeader(McpHeaders.SESSION_ID) != null) {
            backendSessionId = response.getHeader(McpHeaders.SESSION_ID);
            listener.onUpstreamSession(backendSessionId);
        }
        int status = response.statusCode();
        if (status == 404 && backendSessionId != null && !message.isInitialize()) {
            done(request, response);
            reopen(message);
            return;
        }
        if (status >= 400) {
            response.body().onComplete(body -> {
                open.remove(request);
                String text = body.succeeded() ? body.result().toString() : "";
                if (status == 400
                        && backendSessionId != null
                        && !message.isInitialize()
                        && forgotSession(text, message)) {
                    reopen(message);
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
            if (ar.failed()) {
                if (!closing) {
                    // Down for now (restarting, say): try again, a few times, as when it closes the stream.
                    standaloneEnded(state);
                }
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() == 200 && BackendHttp.isEventStream(response)) {
                readStream(response.request(), response, null, state);
                return;
            }
            done(response.request(), response);
            if (response.statusCode() == 404 && backendSessionId != null) {
                reopen(null);
            } else if (response.statusCode() != 405) {
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", session)
                        .addKeyValue("status", response.statusCode())
                        .log("backend refused its server stream; server-initiated messages arrive only on responses");
            }
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
