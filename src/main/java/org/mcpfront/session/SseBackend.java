package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.SseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Objects;

/**
 * A legacy HTTP+SSE backend (MCP 2024-11-05): one long GET stream that first names the endpoint to
 * POST to, then carries every backend message as an {@code event: message}.
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

    SseBackend(Vertx vertx, BackendHttp http, RouteConfig route, String session, BackendListener listener) {
        this.vertx = vertx;
        this.http = http;
        this.route = route;
        this.url = route.backend().orElseThrow();
        this.session = session;
        this.listener = listener;
    }

    @Override
    public Future<Void> open() {
        Promise<Void> ready = Promise.promise();
        long timer = vertx.setTimer(ENDPOINT_TIMEOUT_MS, t -> {
            if (ready.tryFail("the backend sent no endpoint event within " + ENDPOINT_TIMEOUT_MS / 1000 + " s")) {
                stream.reset();
            }
        });
        RequestOptions options = BackendHttp.request(HttpMethod.GET, url, route)
                .putHeader(HttpHeaders.ACCEPT, BackendHttp.EVENT_STREAM);
        http.client().request(options)
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
        SseParser parser = new SseParser(BackendHttp.MAX_EVENT_BYTES, event -> {
            if ("endpoint".equals(event.name())) {
                onEndpoint(event.data(), ready);
            } else if ("message".equals(event.name()) && endpoint != null && !event.data().isEmpty()) {
                listener.onMessage(event.data(), null);
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
        response.exceptionHandler(e -> streamEnded(ready, "the backend's SSE stream broke: " + e.getMessage()));
        response.endHandler(v -> streamEnded(ready, "the backend closed its SSE stream"));
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
        if (ready.tryFail(reason) || closing) {
            return;
        }
        listener.onFailure("stream_closed", reason);
    }

    @Override
    public void send(JsonRpcMessage message) {
        RequestOptions options = BackendHttp.request(HttpMethod.POST, endpoint, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        http.client().request(options)
                .compose(request -> request.send(message.raw()))
                .onSuccess(response -> response.body().onComplete(body -> {
                    if (response.statusCode() < 300) {
                        return;
                    }
                    String detail = "HTTP " + response.statusCode()
                            + (body.succeeded() && body.result().length() > 0 ? ": " + BackendHttp.snippet(body.result().toString()) : "");
                    if (message.isRequest()) {
                        listener.onRequestFailed(message.idKey(), detail);
                    } else {
                        log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                                .addKeyValue("status", response.statusCode()).addKeyValue("method", message.method())
                                .log("backend refused a notification or response");
                    }
                }))
                .onFailure(e -> {
                    if (!closing) {
                        listener.onFailure("connect", "cannot reach " + endpoint + ": " + e.getMessage());
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
