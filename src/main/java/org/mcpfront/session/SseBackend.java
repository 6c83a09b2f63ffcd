package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Objects;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.SseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A legacy HTTP+SSE backend (MCP 2024-11-05): one long GET stream that first names the endpoint to
 * POST to, then carries every backend message as an {@code event: message}.
 */
final class SseBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(SseBackend.class);
    private static final long ENDPOINT_TIMEOUT_MS = 10_000;
    /** How long a backend whose stream broke may take to come back before the session ends. */
    private static final long RECONNECT_WINDOW_MS = 30_000;

    private static final long MAX_RECONNECT_DELAY_MS = 5_000;

    private final Vertx vertx;
    private final BackendHttp http;
    private final RouteConfig route;
    /** The response streams being read, paused while a client does not read. */
    private final ResponseReads reads = new ResponseReads();

    private final URI url;
    private final String session;
    private final BackendListener listener;
    private HttpClientRequest stream;
    private URI endpoint;
    private boolean closing;
    /** The client's initialize and whether it said initialized: what a new backend session is opened with. */
    private JsonRpcMessage clientInitialize;

    private boolean clientInitialized;
    /** Set from a broken stream until a new backend session is open; messages wait in order. */
    private boolean reconnecting;

    private boolean resumed;
    private String reopenReason = "the backend's SSE stream broke and a new one was opened";
    private final ArrayDeque<JsonRpcMessage> waiting = new ArrayDeque<>();
    /** The id of mcp-front's own initialize on a new backend session, whose answer nobody else wants. */
    private String reopenId;

    private long reopens;
    private long streams;

    SseBackend(Vertx vertx, BackendHttp http, RouteConfig route, String session, BackendListener listener) {
        this.vertx = vertx;
        this.http = http;
        this.route = route;
        this.url = route.http().orElseThrow().url();
        this.session = session;
        this.listener = listener;
    }

    @Override
    public Future<Void> open() {
        if (!resumed) {
            return connect();
        }
        // Adopted: the old backend session died with the instance's GET stream; a new one is opened in
        // the client's name, and messages wait for its answer.
        reconnecting = true;
        return connect().onSuccess(v -> {
            reopenId = "mf-reopen-" + (++reopens);
            reopenReason = "the session was adopted from an instance that died; a new backend session was opened";
            post(JsonRpcMessage.of(clientInitialize.json().copy().put("id", reopenId)));
        });
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
        resumed = true;
        return true;
    }

    /** Opens the GET stream and waits for its endpoint event. */
    private Future<Void> connect() {
        Promise<Void> ready = Promise.promise();
        long timer = vertx.setTimer(ENDPOINT_TIMEOUT_MS, t -> {
            if (ready.tryFail("the backend sent no endpoint event within " + ENDPOINT_TIMEOUT_MS / 1000 + " s")) {
                stream.reset();
            }
        });
        RequestOptions options =
                BackendHttp.request(HttpMethod.GET, url, route).putHeader(HttpHeaders.ACCEPT, BackendHttp.EVENT_STREAM);
        http.open(options)
                .compose(request -> {
                    stream = request;
                    return request.send();
                })
                .onFailure(e -> ready.tryFail("cannot reach " + url + ": " + e.getMessage()))
                .onSuccess(response -> {
                    if (response.statusCode() != 200 || !BackendHttp.isEventStream(response)) {
                        response.body();
                        ready.tryFail("the backend answered HTTP " + response.statusCode() + " to its SSE GET");
                        return;
                    }
                    read(response, ready);
                });
        return ready.future().onComplete(ar -> vertx.cancelTimer(timer));
    }

    private void read(HttpClientResponse response, Promise<Void> ready) {
        long mine = ++streams;
        SseParser parser = new SseParser(BackendHttp.MAX_EVENT_BYTES, event -> {
            if ("endpoint".equals(event.name())) {
                onEndpoint(event.data(), ready);
            } else if ("message".equals(event.name())
                    && endpoint != null
                    && !event.data().isEmpty()) {
                if (reopenId != null && isAnswerTo(event.data(), reopenId)) {
                    reopened();
                } else {
                    listener.onMessage(event.data(), null);
                }
            }
        });
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (IllegalStateException tooLarge) {
                stream.reset();
                listener.onFailure("protocol", "backend sent an oversized event: " + tooLarge.getMessage());
            }
        });
        reads.add(response);
        // Only the newest stream's end counts: an old one's second signal must not start another reconnect.
        response.exceptionHandler(e -> {
            reads.remove(response);
            if (mine == streams) {
                streamEnded(ready, "the backend's SSE stream broke: " + e.getMessage());
            }
        });
        response.endHandler(v -> {
            reads.remove(response);
            if (mine == streams) {
                streamEnded(ready, "the backend closed its SSE stream");
            }
        });
    }

    private void onEndpoint(String data, Promise<Void> ready) {
        URI resolved;
        try {
            resolved = url.resolve(data.trim());
        } catch (IllegalArgumentException e) {
            ready.tryFail("the backend's endpoint event is not a URL: " + data);
            return;
        }
        // Route headers often carry the backend's credentials: never POST them to another origin.
        if (!sameOrigin(url, resolved)) {
            ready.tryFail("the backend's endpoint " + resolved + " is on another origin than " + url);
            stream.reset();
            return;
        }
        endpoint = resolved;
        ready.tryComplete();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(Objects.requireNonNullElse(b.getHost(), ""))
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private void streamEnded(Promise<Void> ready, String reason) {
        if (ready.tryFail(reason) || closing || reconnecting) {
            return;
        }
        if (clientInitialize == null) {
            listener.onFailure("stream_closed", reason);
            return;
        }
        // Everything in flight was answered on that stream, so it is lost; the backend may be restarting.
        log.atError()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("reason", reason)
                .log("backend stream broke; requests in flight fail, the session waits for the backend");
        listener.onInFlightLost(reason);
        reconnecting = true;
        endpoint = null;
        reconnect(reason, System.nanoTime() + RECONNECT_WINDOW_MS * 1_000_000, 250);
    }

    /** Tries the GET stream again, waiting longer each time, until the window has passed. */
    private void reconnect(String reason, long deadline, long delay) {
        if (closing) {
            return;
        }
        if (System.nanoTime() > deadline) {
            listener.onFailure(
                    "stream_closed",
                    reason + "; the backend did not come back within " + RECONNECT_WINDOW_MS / 1000 + " s");
            return;
        }
        vertx.setTimer(
                delay,
                t -> connect().onComplete(connected -> {
                    if (closing) {
                        return;
                    }
                    if (connected.failed()) {
                        reconnect(reason, deadline, Math.min(MAX_RECONNECT_DELAY_MS, delay * 2));
                        return;
                    }
                    // A new backend session: open it in the client's name; its answer is ours.
                    reopenId = "mf-reopen-" + (++reopens);
                    post(JsonRpcMessage.of(clientInitialize.json().copy().put("id", reopenId)));
                }));
    }

    private void reopened() {
        reopenId = null;
        if (clientInitialized) {
            post(JsonRpcMessage.of(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")));
        }
        reconnecting = false;
        listener.onUpstreamReopened(reopenReason);
        reopenReason = "the backend's SSE stream broke and a new one was opened";
        while (!reconnecting && !waiting.isEmpty()) {
            post(waiting.poll());
        }
    }

    private static boolean isAnswerTo(String data, String id) {
        try {
            JsonRpcMessage message = JsonRpcMessage.parse(data);
            return message.isResponse() && JsonRpcMessage.idKeyOf(id).equals(message.idKey());
        } catch (JsonRpcException notJsonRpc) {
            return false;
        }
    }

    @Override
    public void send(JsonRpcMessage message) {
        if (message.isInitialize()) {
            clientInitialize = message;
        } else if ("notifications/initialized".equals(message.method())) {
            clientInitialized = true;
        }
        if (reconnecting) {
            waiting.add(message);
            return;
        }
        post(message);
    }

    private void post(JsonRpcMessage message) {
        RequestOptions options = BackendHttp.request(HttpMethod.POST, endpoint, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        http.open(options)
                .compose(request -> request.send(message.raw()))
                .onSuccess(response -> response.body().onComplete(body -> {
                    if (response.statusCode() < 300) {
                        return;
                    }
                    String detail = "HTTP " + response.statusCode()
                            + (body.succeeded() && body.result().length() > 0
                                    ? ": " + BackendHttp.snippet(body.result().toString())
                                    : "");
                    if (message.isRequest()) {
                        listener.onRequestFailed(message.idKey(), detail);
                    } else {
                        log.atWarn()
                                .addKeyValue("route", route.path())
                                .addKeyValue("session", session)
                                .addKeyValue("status", response.statusCode())
                                .addKeyValue("method", message.method())
                                .log("backend refused a notification or response");
                    }
                }))
                .onFailure(e -> {
                    if (closing || reconnecting) {
                        return;
                    }
                    String reason = "cannot reach " + endpoint + ": " + e.getMessage();
                    if (clientInitialize == null) {
                        listener.onFailure("connect", reason);
                    } else if (message.isRequest()) {
                        // The stream will tell whether the backend is gone; this request fails now.
                        listener.onRequestFailed(message.idKey(), reason);
                    } else {
                        log.atWarn()
                                .addKeyValue("route", route.path())
                                .addKeyValue("session", session)
                                .addKeyValue("method", message.method())
                                .addKeyValue("reason", reason)
                                .log("a notification did not reach the backend");
                    }
                });
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
        // Legacy SSE servers negotiate in initialize only; there is no header to send.
    }

    @Override
    public Future<Void> close() {
        closing = true;
        if (stream != null) {
            stream.reset();
        }
        return Future.succeededFuture();
    }
}
