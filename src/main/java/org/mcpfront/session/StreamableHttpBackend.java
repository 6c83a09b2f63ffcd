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
import org.mcpfront.config.RouteConfig;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.McpHeaders;
import org.mcpfront.transport.SseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.HashSet;
import java.util.Set;

/**
 * A Streamable HTTP backend (MCP 2025-03-26 and later): one POST per client message, answered with
 * JSON or an SSE stream; a GET stream for server-initiated messages once the session is initialized;
 * DELETE on close. A response stream that the backend closes before answering is resumed with
 * {@code Last-Event-ID} when the backend gave event ids (SSE polling, MCP 2025-11-25).
 */
final class StreamableHttpBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(StreamableHttpBackend.class);
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";
    private static final long DEFAULT_RETRY_MS = 1_000;
    private static final int MAX_RESUMES_WITHOUT_PROGRESS = 3;
    private static final int MAX_STANDALONE_RETRIES = 5;
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final BackendHttp http;
    private final RouteConfig route;
    private final URI url;
    private final String session;
    private final BackendListener listener;
    /** Requests whose streams are open, so that closing the session cuts them. */
    private final Set<HttpClientRequest> open = new HashSet<>();
    private String backendSessionId;
    private String protocolVersion;
    private boolean standaloneStarted;
    private int standaloneRetries;
    private boolean closing;

    StreamableHttpBackend(Vertx vertx, BackendHttp http, RouteConfig route, String session, BackendListener listener) {
        this.vertx = vertx;
        this.http = http;
        this.route = route;
        this.url = route.backend().orElseThrow();
        this.session = session;
        this.listener = listener;
    }

    @Override
    public Future<Void> open() {
        return Future.succeededFuture();
    }

    @Override
    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    @Override
    public void send(JsonRpcMessage message) {
        RequestOptions options = BackendHttp.request(HttpMethod.POST, url, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, ACCEPT_BOTH);
        BackendHttp.withSession(options, backendSessionId, protocolVersion);
        http.client().request(options)
                .compose(request -> {
                    open.add(request);
                    return request.send(message.raw())
                            .onSuccess(response -> onPostResponse(message, request, response))
                            .onFailure(e -> open.remove(request));
                })
                .onFailure(e -> {
                    if (!closing) {
                        listener.onFailure("connect", "cannot reach " + url + ": " + e.getMessage());
                    }
                });
    }

    private void onPostResponse(JsonRpcMessage message, HttpClientRequest request, HttpClientResponse response) {
        if (message.isInitialize() && response.getHeader(McpHeaders.SESSION_ID) != null) {
            backendSessionId = response.getHeader(McpHeaders.SESSION_ID);
        }
        int status = response.statusCode();
        if (status == 404 && backendSessionId != null && !message.isInitialize()) {
            done(request, response);
            listener.onFailure("session_expired", "the backend ended its session (HTTP 404)");
            return;
        }
        if (status >= 400) {
            response.body().onComplete(body -> {
                open.remove(request);
                failed(message, status, body.succeeded() ? body.result().toString() : "");
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
                    listener.onFailure("stream_closed", "backend connection broke: " + body.cause().getMessage());
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
            log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                    .addKeyValue("status", status).addKeyValue("method", message.method())
                    .log("backend refused a notification or response");
            return;
        }
        if (carriesResponseTo(body, message.idKey())) {
            listener.onMessage(body, message.idKey());
        } else {
            listener.onRequestFailed(message.idKey(), "HTTP " + status + (body.isBlank() ? "" : ": " + BackendHttp.snippet(body)));
        }
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
                listener.onMessage(member instanceof JsonObject object ? object.encode() : String.valueOf(member), idKey);
            }
        } else {
            listener.onMessage(body, idKey);
        }
    }

    /**
     * Reads an SSE response. {@code relatedIdKey} is the request it answers, or null for the
     * standalone GET stream.
     */
    private void readStream(HttpClientRequest request, HttpClientResponse response, String relatedIdKey,
                            StreamState state) {
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
        response.exceptionHandler(e -> {
            open.remove(request);
            if (!closing) {
                listener.onFailure("stream_closed", "backend stream broke: " + e.getMessage());
            }
        });
        response.endHandler(v -> {
            open.remove(request);
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
                listener.onRequestFailed(relatedIdKey, "cannot resume the response stream: " + ar.cause().getMessage());
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() != 200 || !BackendHttp.isEventStream(response)) {
                done(response.request(), response);
                listener.onRequestFailed(relatedIdKey, "cannot resume the response stream: HTTP " + response.statusCode());
                return;
            }
            state.resumesWithoutProgress++;
            readStream(response.request(), response, relatedIdKey, state);
        });
    }

    private void openStandalone(StreamState state) {
        if (closing) {
            return;
        }
        get(state.lastEventId).onComplete(ar -> {
            if (ar.failed()) {
                if (!closing) {
                    listener.onFailure("connect", "cannot open the backend's server stream: " + ar.cause().getMessage());
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
                listener.onFailure("session_expired", "the backend ended its session (HTTP 404)");
            } else if (response.statusCode() != 405) {
                log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
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
            log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                    .log("backend keeps closing its server stream; not reopening it");
            return;
        }
        vertx.setTimer(state.retryMillis, t -> openStandalone(state));
    }

    private Future<HttpClientResponse> get(String lastEventId) {
        RequestOptions options = BackendHttp.request(HttpMethod.GET, url, route)
                .putHeader(HttpHeaders.ACCEPT, BackendHttp.EVENT_STREAM);
        BackendHttp.withSession(options, backendSessionId, protocolVersion);
        if (lastEventId != null) {
            options.putHeader(McpHeaders.LAST_EVENT_ID, lastEventId);
        }
        return http.client().request(options).compose(request -> {
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
        RequestOptions options = BackendHttp.request(HttpMethod.DELETE, url, route).setIdleTimeout(CLOSE_TIMEOUT_MS);
        BackendHttp.withSession(options, backendSessionId, protocolVersion);
        return http.client().request(options)
                .compose(request -> request.send())
                .compose(HttpClientResponse::body)
                .<Void>mapEmpty()
                .recover(e -> {
                    log.atDebug().addKeyValue("route", route.path()).addKeyValue("session", session)
                            .addKeyValue("reason", e.getMessage()).log("backend session DELETE failed");
                    return Future.succeededFuture();
                });
    }

    /** Progress of one SSE stream, kept across resumptions. */
    private static final class StreamState {
        String lastEventId;
        long retryMillis = DEFAULT_RETRY_MS;
        int resumesWithoutProgress;
        boolean receivedOnThisConnection;
    }
}
