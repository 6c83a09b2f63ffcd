package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
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
 *
 * <p>The stream breaking does not end the session: the requests in flight fail (their answers would have
 * come on it), and the stream is opened again with a {@link Backoff} for as long as the session lives,
 * then a new backend session is initialized in the client's name. Messages wait meanwhile, each bounded by
 * the route's {@code request_timeout} (why waiting: see {@link StreamableHttpBackend}). Only a definitive
 * refusal ends it: a 4xx to the GET, or an error answer to the client's initialize.
 */
final class SseBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(SseBackend.class);
    private static final long ENDPOINT_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final BackendHttp http;
    private final RouteConfig route;
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
    private final Backoff backoff = new Backoff();
    /** When the backend was last found unreachable, while it still is; 0 when reachable. */
    private long unreachableSince;

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
        reopenReason = "the session was adopted from an instance that died; a new backend session was opened";
        return connect().transform(connected -> {
            if (connected.succeeded()) {
                reopenId = "mf-reopen-" + (++reopens);
                post(JsonRpcMessage.of(clientInitialize.json().copy().put("id", reopenId)));
            } else if (connected.cause() instanceof Refused) {
                return Future.failedFuture(connected.cause());
            } else {
                // The backend is away too: the adopted session waits for it like any other.
                backoff.reset();
                reconnect();
            }
            return Future.succeededFuture();
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
                        String refusal = "the backend answered HTTP " + response.statusCode() + " to its SSE GET";
                        int status = response.statusCode();
                        // A 4xx says no (credentials, path): trying again will not change it; anything else may.
                        ready.tryFail(
                                status >= 400 && status < 500 ? new Refused(refusal) : new VertxException(refusal));
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
                JsonRpcMessage answer = reopenId == null ? null : answerTo(event.data(), reopenId);
                if (answer != null) {
                    if (answer.json().containsKey("error")) {
                        listener.onFailure(
                                "session_expired",
                                "the backend refused the client's initialize on a new session: "
                                        + BackendHttp.snippet(event.data()));
                    } else {
                        reopened();
                    }
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
        // Only the newest stream's end counts: an old one's second signal must not start another reconnect.
        response.exceptionHandler(e -> {
            if (mine == streams) {
                streamEnded(ready, "the backend's SSE stream broke: " + e.getMessage());
            }
        });
        response.endHandler(v -> {
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
        backoff.reset();
        reconnect();
    }

    /**
     * Tries the GET stream again after the next back-off delay, until it opens or the session ends (its
     * idle timeout, the client, or a definitive refusal).
     */
    private void reconnect() {
        if (closing) {
            return;
        }
        vertx.setTimer(
                backoff.next(),
                t -> connect().onComplete(connected -> {
                    if (closing) {
                        return;
                    }
                    if (connected.failed()) {
                        if (connected.cause() instanceof Refused refused) {
                            listener.onFailure("stream_closed", refused.getMessage());
                            return;
                        }
                        if (unreachableSince == 0) {
                            unreachableSince = System.nanoTime();
                            log.atWarn()
                                    .addKeyValue("route", route.path())
                                    .addKeyValue("session", session)
                                    .addKeyValue("reason", connected.cause().getMessage())
                                    .log("backend unreachable; messages wait for it, bounded by request_timeout");
                            listener.onBackendReachable(false, connected.cause().getMessage());
                        }
                        reconnect();
                        return;
                    }
                    if (unreachableSince != 0) {
                        long downMs = (System.nanoTime() - unreachableSince) / 1_000_000;
                        unreachableSince = 0;
                        listener.onBackendReachable(true, "after " + downMs + " ms");
                    }
                    // A new backend session: open it in the client's name; its answer is ours.
                    reopenId = "mf-reopen-" + (++reopens);
                    post(JsonRpcMessage.of(clientInitialize.json().copy().put("id", reopenId)));
                }));
    }

    /** A refusal that trying again will not change. */
    private static final class Refused extends VertxException {
        Refused(String message) {
            super(message, true);
        }
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

    /** {@code data} parsed when it is the response to request {@code id}, else null. */
    private static JsonRpcMessage answerTo(String data, String id) {
        try {
            JsonRpcMessage message = JsonRpcMessage.parse(data);
            return message.isResponse() && JsonRpcMessage.idKeyOf(id).equals(message.idKey()) ? message : null;
        } catch (JsonRpcException notJsonRpc) {
            return null;
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
