package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.protocol.ModernRequests;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.McpHeaders;
import org.mcpfront.transport.SseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 2026-07-28 HTTP backend as a message pipe: every request is its own POST with the mirrored
 * headers, answered with JSON or an SSE stream scoped to it; there is no session, no GET stream and
 * no DELETE. A {@code notifications/cancelled} from above closes the request's stream, which is how
 * this revision cancels on HTTP.
 */
final class StatelessHttpBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(StatelessHttpBackend.class);

    private final BackendHttp http;
    private final RouteConfig route;
    private final URI url;
    private final String session;
    private final BackendListener listener;
    /** Requests whose answers are still coming, by id: closing one cancels it. */
    private final Map<String, HttpClientRequest> open = new HashMap<>();

    private boolean closing;

    StatelessHttpBackend(BackendHttp http, RouteConfig route, String session, BackendListener listener) {
        this.http = http;
        this.route = route;
        this.url = route.http().orElseThrow().url();
        this.session = session;
        this.listener = listener;
    }

    @Override
    public Future<Void> open() {
        return Future.succeededFuture();
    }

    @Override
    public void protocolVersion(String version) {
        // Every request carries its own version in _meta.
    }

    @Override
    public void send(JsonRpcMessage message) {
        if ("notifications/cancelled".equals(message.method())) {
            HttpClientRequest request =
                    open.remove(JsonRpcMessage.idKeyOf(message.params().getValue("requestId")));
            if (request != null) {
                request.reset();
            }
            return;
        }
        if (!message.isRequest()) {
            // The revision defines no other client notification on HTTP, and no client responses.
            log.atDebug()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .addKeyValue("method", message.method())
                    .log("not sent to a 2026-07-28 backend");
            return;
        }
        RequestOptions options = BackendHttp.request(HttpMethod.POST, url, route)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, McpHeaders.ACCEPT_JSON_OR_STREAM);
        ModernRequests.mirror(message, options::putHeader);
        String id = message.idKey();
        http.open(options)
                .compose(request -> {
                    open.put(id, request);
                    return request.send(message.raw());
                })
                .onSuccess(response -> onResponse(id, response))
                .onFailure(e -> {
                    boolean cancelled = open.remove(id) == null;
                    if (!closing && !cancelled) {
                        listener.onRequestFailed(id, "cannot reach " + url + ": " + e.getMessage());
                    }
                });
    }

    private void onResponse(String id, HttpClientResponse response) {
        int status = response.statusCode();
        if (BackendHttp.isEventStream(response) && status == 200) {
            SseParser parser = new SseParser(BackendHttp.MAX_EVENT_BYTES, event -> {
                if ("message".equals(event.name()) && !event.data().isEmpty()) {
                    listener.onMessage(event.data(), id);
                }
            });
            response.handler(chunk -> {
                try {
                    parser.feed(chunk);
                } catch (IllegalStateException tooLarge) {
                    HttpClientRequest request = open.remove(id);
                    if (request != null) {
                        request.reset();
                    }
                    listener.onRequestFailed(id, "backend sent an oversized event: " + tooLarge.getMessage());
                }
            });
            response.exceptionHandler(e -> ended(id, "backend stream broke: " + e.getMessage()));
            response.endHandler(v -> ended(id, "the backend closed the response stream without answering"));
            return;
        }
        response.body().onComplete(body -> {
            open.remove(id);
            if (body.failed()) {
                if (!closing) {
                    listener.onRequestFailed(
                            id, "backend connection broke: " + body.cause().getMessage());
                }
                return;
            }
            String text = body.result().toString();
            if (answers(text, id)) {
                listener.onMessage(text, id);
            } else {
                listener.onRequestFailed(
                        id, "HTTP " + status + (text.isBlank() ? "" : ": " + BackendHttp.snippet(text)));
            }
        });
    }

    private void ended(String id, String reason) {
        if (open.remove(id) != null && !closing && listener.awaitingResponse(id)) {
            listener.onRequestFailed(id, reason);
        }
    }

    /** Whether {@code body} is the JSON-RPC response to {@code id} (a result or an error, any status). */
    private static boolean answers(String body, String id) {
        try {
            JsonRpcMessage parsed = JsonRpcMessage.parse(body);
            return parsed.isResponse() && id.equals(parsed.idKey());
        } catch (JsonRpcException notJsonRpc) {
            return false;
        }
    }

    @Override
    public Future<Void> close() {
        closing = true;
        open.values().forEach(HttpClientRequest::reset);
        open.clear();
        return Future.succeededFuture();
    }
}
