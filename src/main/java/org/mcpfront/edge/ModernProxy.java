package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.mcpfront.access.Kind;
import org.mcpfront.access.ListFilter;
import org.mcpfront.access.Visibility;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.ServerConfig;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.observability.Audit;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.McpErrors;
import org.mcpfront.protocol.ModernRequests;
import org.mcpfront.protocol.ProtocolVersions;
import org.mcpfront.tracing.RequestSpan;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.McpHeaders;
import org.mcpfront.transport.SseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 2026-07-28 request to a 2026-07-28 HTTP backend: nothing to translate and no session to keep, so
 * the edge forwards it itself, on whichever instance it landed. The body goes on byte for byte with its
 * mirrored headers (the version header made to match the body, see {@link ModernRequests}); the answer
 * comes back as the backend wrote it, JSON or an SSE stream, with backpressure; the client closing its
 * stream closes the backend's, which is this revision's cancellation. {@code server/discover} is the one
 * answer mcp-front edits: the versions it lists are the ones the client can use through mcp-front.
 *
 * <p>A backend that answers like a 2025 server (a 400, 404 or 405 without a 2026-07-28 error) has
 * changed: its era is forgotten and the request goes the bridged way instead; it did not process it.
 */
final class ModernProxy {

    private static final Logger log = LoggerFactory.getLogger(ModernProxy.class);
    private static final Set<Integer> MODERN_ERRORS = Set.of(
            McpErrors.HEADER_MISMATCH,
            McpErrors.MISSING_CLIENT_CAPABILITY,
            McpErrors.UNSUPPORTED_PROTOCOL_VERSION,
            McpErrors.METHOD_NOT_FOUND,
            McpErrors.INVALID_PARAMS);
    private static final int MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
    private static final Buffer KEEP_ALIVE = Buffer.buffer(":\n\n");

    private final Vertx vertx;
    private final HttpClient client;
    private final BackendEras eras;
    private final GatewayMetrics metrics;
    private final Supplier<ServerConfig> server;
    private final BackendIdentity identity;

    ModernProxy(
            Vertx vertx,
            HttpClient client,
            BackendEras eras,
            GatewayMetrics metrics,
            Supplier<ServerConfig> server,
            BackendIdentity identity) {
        this.identity = identity;
        this.vertx = vertx;
        this.client = client;
        this.eras = eras;
        this.metrics = metrics;
        this.server = server;
    }

    /**
     * Forwards {@code message}; {@code elsewhere} takes it instead when the backend turns out not to speak
     * 2026-07-28 any more.
     */
    void forward(
            RoutingContext ctx,
            RouteConfig route,
            JsonRpcMessage message,
            String version,
            SessionOwner owner,
            Visibility visibility,
            Runnable elsewhere) {
        long started = System.nanoTime();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(route.http().orElseThrow().url().toString())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, McpHeaders.ACCEPT_JSON_OR_STREAM)
                .putHeader(ModernRequests.PROTOCOL_VERSION_HEADER, version);
        route.headers().forEach(options::putHeader);
        for (Map.Entry<String, String> header : ctx.request().headers()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase(ModernRequests.METHOD_HEADER)
                    || name.equalsIgnoreCase(ModernRequests.NAME_HEADER)
                    || name.regionMatches(
                            true,
                            0,
                            ModernRequests.PARAM_HEADER_PREFIX,
                            0,
                            ModernRequests.PARAM_HEADER_PREFIX.length())) {
                options.addHeader(name, header.getValue());
            }
        }
        Exchange exchange = new Exchange(ctx, route, message, owner, visibility, started);
        exchange.span.inject(options);
        identity.headers(route, owner)
                .compose(identityHeaders -> {
                    identityHeaders.forEach(options::putHeader);
                    return client.request(options);
                })
                .compose(request -> {
                    exchange.request = request;
                    ctx.response().closeHandler(v -> exchange.clientGone());
                    return request.send(message.raw());
                })
                .onSuccess(response -> exchange.answer(response, elsewhere))
                .onFailure(e -> exchange.failed(502, "Backend unreachable: " + e.getMessage()));
    }

    /** One forwarded request and its answer. */
    private final class Exchange {
        final RoutingContext ctx;
        final RouteConfig route;
        final JsonRpcMessage message;
        final SessionOwner owner;
        /** What the caller may see: list answers it restricts are read whole and filtered. */
        final Visibility visibility;

        final long started;
        final ToolOutcome outcome;
        final RequestSpan span;
        HttpClientRequest request;
        long timer = -1;
        long keepAliveTimer = -1;
        long lastWrite;
        boolean atEventBoundary = true;
        boolean done;

        Exchange(
                RoutingContext ctx,
                RouteConfig route,
                JsonRpcMessage message,
                SessionOwner owner,
                Visibility visibility,
                long started) {
            this.ctx = ctx;
            this.route = route;
            this.message = message;
            this.owner = owner;
            this.visibility = visibility;
            this.started = started;
            this.outcome = "tools/call".equals(message.method()) ? new ToolOutcome(message.idKey()) : null;
            this.span = metrics.tracing()
                    .start(
                            route.path(),
                            message.method(),
                            outcome == null ? null : Audit.toolName(message.params()),
                            "2026",
                            "2026");
            if (!"subscriptions/listen".equals(message.method())) {
                timer = vertx.setTimer(route.sessions().requestTimeout().toMillis(), t -> timedOut());
            }
        }

        void answer(HttpClientResponse response, Runnable elsewhere) {
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                response.body();
                metrics.backendError(route.path(), "status");
                failed(502, "Bad gateway: the backend refused mcp-front's credentials (HTTP " + status + ")");
                return;
            }
            if (status >= 400
                    || "server/discover".equals(message.method())
                    || ListFilter.filters(message.method(), visibility)) {
                buffered(response, elsewhere);
                return;
            }
            HttpServerResponse out = ctx.response();
            if (out.closed()) {
                request.reset();
                return;
            }
            out.setStatusCode(status);
            String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null) {
                out.putHeader(HttpHeaders.CONTENT_TYPE, type);
            }
            if (McpHeaders.isEventStream(type)) {
                out.setChunked(true)
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                        .putHeader("X-Accel-Buffering", "no");
            } else if (response.getHeader(HttpHeaders.CONTENT_LENGTH) != null) {
                out.putHeader(HttpHeaders.CONTENT_LENGTH, response.getHeader(HttpHeaders.CONTENT_LENGTH));
            } else {
                out.setChunked(true);
            }
            boolean sse = McpHeaders.isEventStream(type);
            if (sse) {
                keepAlive(out);
            }
            response.handler(chunk -> {
                if (outcome != null) {
                    outcome.feed(chunk, sse);
                }
                lastWrite = System.nanoTime();
                atEventBoundary = endsEvent(chunk);
                out.write(chunk);
                if (out.writeQueueFull()) {
                    response.pause();
                    out.drainHandler(v -> response.resume());
                }
            });
            response.exceptionHandler(e -> {
                if (!done) {
                    finish(outcome == null ? null : "backend_failed", JsonRpcErrors.BACKEND_UNAVAILABLE);
                    out.reset();
                }
            });
            response.endHandler(v -> {
                if (!done) {
                    finish(outcome == null ? null : outcome.result(), outcome == null ? null : outcome.code);
                    out.end();
                }
            });
        }

        /**
         * An error answer, the discovery answer, or a list answer the caller may see only part of: read whole
         * (up to {@link #MAX_BUFFERED_BYTES}), then judged, edited, and sent as one JSON answer.
         */
        private void buffered(HttpClientResponse response, Runnable elsewhere) {
            int status = response.statusCode();
            String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
            boundedBody(response).onComplete(body -> {
                if (body.failed()) {
                    failed(
                            502,
                            "Bad gateway: the backend's answer broke off: "
                                    + body.cause().getMessage());
                    return;
                }
                JsonObject answer = firstMessage(body.result(), McpHeaders.isEventStream(type));
                if (status >= 400 && status < 500 && !isModernError(answer, status)) {
                    // A 2025 server's refusal: the request was not processed, so it can go the other way.
                    cancelTimer();
                    eras.forget(route, "a 2026-07-28 request got HTTP " + status + " without a 2026-07-28 error");
                    done = true;
                    elsewhere.run();
                    return;
                }
                if (status < 400 && answer != null && answer.getValue("result") instanceof JsonObject result) {
                    // The versions a client can use here are the ones mcp-front speaks, whatever the backend does.
                    result.put("supportedVersions", ProtocolVersions.supported());
                }
                if (status < 400 && answer != null && answer.getValue("result") instanceof JsonObject result) {
                    ListFilter.filterResult(message.method(), result, visibility);
                }
                finish(outcome == null ? null : status < 400 ? "ok" : "error", null);
                HttpServerResponse out = ctx.response();
                if (out.closed()) {
                    return;
                }
                out.setStatusCode(status)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(
                                answer != null
                                        ? answer.encode()
                                        : JsonRpcErrors.error(
                                                message.idKey(),
                                                JsonRpcErrors.BACKEND_UNAVAILABLE,
                                                "Backend error: HTTP " + status));
            });
        }

        private Future<Buffer> boundedBody(HttpClientResponse response) {
            Promise<Buffer> read = Promise.promise();
            Buffer body = Buffer.buffer();
            response.handler(chunk -> {
                if (body.length() + chunk.length() > MAX_BUFFERED_BYTES) {
                    request.reset();
                    read.tryFail("the answer is larger than " + MAX_BUFFERED_BYTES + " bytes");
                } else {
                    body.appendBuffer(chunk);
                }
            });
            response.exceptionHandler(read::tryFail);
            response.endHandler(v -> read.tryComplete(body));
            return read.future();
        }

        private boolean isModernError(JsonObject answer, int status) {
            if (answer == null
                    || !(answer.getValue("error") instanceof JsonObject error)
                    || !(error.getValue("code") instanceof Number code)) {
                return false;
            }
            return status == 404
                    ? code.intValue() == McpErrors.METHOD_NOT_FOUND
                    : MODERN_ERRORS.contains(code.intValue());
        }

        void failed(int status, String reason) {
            if (done) {
                return;
            }
            finish(outcome == null ? null : "backend_failed", JsonRpcErrors.BACKEND_UNAVAILABLE);
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("user", owner.email())
                    .addKeyValue("method", message.method())
                    .addKeyValue("reason", reason)
                    .log("2026-07-28 request failed");
            Replies.error(ctx.response(), status, message.idKey(), reason);
        }

        void timedOut() {
            timer = -1;
            if (done) {
                return;
            }
            if (request != null) {
                request.reset();
            }
            metrics.backendError(route.path(), "timeout");
            finish(outcome == null ? null : "timeout", JsonRpcErrors.REQUEST_TIMEOUT);
            Replies.error(
                    ctx.response(),
                    504,
                    message.idKey(),
                    JsonRpcErrors.REQUEST_TIMEOUT,
                    "Request timed out after "
                            + route.sessions().requestTimeout().toSeconds() + " s (route " + route.path() + ")");
        }

        void clientGone() {
            if (done) {
                return;
            }
            if (request != null) {
                request.reset();
            }
            finish(outcome == null ? null : "cancelled", null);
        }

        /**
         * A quiet backend stream (a subscription, a long call) still shows signs of life to proxies and to
         * mcp-front's own idle timeout: a comment line when the keep-alive interval passed without a byte,
         * written only between events so that no event is split.
         */
        private void keepAlive(HttpServerResponse out) {
            long interval = Math.max(1, server.get().sseKeepAlive().toMillis());
            lastWrite = System.nanoTime();
            keepAliveTimer = vertx.setPeriodic(interval, id -> {
                if (done || out.closed()) {
                    vertx.cancelTimer(id);
                } else if (atEventBoundary
                        && !out.writeQueueFull()
                        && System.nanoTime() - lastWrite >= interval * 1_000_000) {
                    lastWrite = System.nanoTime();
                    out.write(KEEP_ALIVE);
                }
            });
        }

        private void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            if (keepAliveTimer >= 0) {
                vertx.cancelTimer(keepAliveTimer);
                keepAliveTimer = -1;
            }
        }

        private void finish(String toolOutcome, Integer code) {
            if (done) {
                return;
            }
            done = true;
            cancelTimer();
            long nanos = System.nanoTime() - started;
            metrics.requestCompleted(route.path(), message.method(), "2026", "2026", nanos);
            span.end(toolOutcome != null ? toolOutcome : code == null ? "ok" : "error", code);
            if (outcome != null && toolOutcome != null) {
                Audit.toolCall(
                        owner.email(),
                        owner.clientId(),
                        route.path(),
                        null,
                        Audit.toolName(message.params()),
                        nanos / 1_000_000,
                        toolOutcome,
                        "error".equals(toolOutcome) ? code : null,
                        "2026",
                        "2026",
                        visibility
                                .decide(Kind.TOOL, Audit.toolName(message.params()))
                                .rule());
            }
        }
    }

    /** The first JSON-RPC response in a JSON or SSE body, or null. */
    private static JsonObject firstMessage(Buffer body, boolean sse) {
        if (!sse) {
            return parse(body.toString());
        }
        JsonObject[] found = new JsonObject[1];
        SseParser parser = new SseParser(MAX_BUFFERED_BYTES, event -> {
            JsonObject message = parse(event.data());
            if (found[0] == null && message != null && message.containsKey("id") && !message.containsKey("method")) {
                found[0] = message;
            }
        });
        parser.feed(body);
        parser.feed(Buffer.buffer("\n\n"));
        return found[0];
    }

    private static JsonObject parse(String text) {
        try {
            return Json.decodeValue(text) instanceof JsonObject object ? object : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /** Reads the outcome of a tools/call from the answer passing through, for the audit line. */
    private static final class ToolOutcome {
        private static final int MAX_JSON_BYTES = 1024 * 1024;
        private final String idKey;
        private SseParser parser;
        private Buffer json;
        private String outcome;
        Integer code;

        ToolOutcome(String idKey) {
            this.idKey = idKey;
        }

        void feed(Buffer chunk, boolean sse) {
            if (sse) {
                if (parser == null) {
                    parser = new SseParser(MAX_BUFFERED_BYTES, event -> judge(parse(event.data())));
                }
                try {
                    parser.feed(chunk);
                } catch (IllegalStateException tooLarge) {
                    outcome = "ok";
                }
            } else if (json == null || json.length() < MAX_JSON_BYTES) {
                json = json == null ? chunk.copy() : json.appendBuffer(chunk);
            }
        }

        private void judge(JsonObject message) {
            if (message == null
                    || message.containsKey("method")
                    || !idKey.equals(JsonRpcMessage.idKeyOf(message.getValue("id")))) {
                return;
            }
            if (message.getValue("error") instanceof JsonObject error) {
                outcome = "error";
                code = error.getValue("code") instanceof Number n ? n.intValue() : null;
            } else if (message.getValue("result") instanceof JsonObject result) {
                outcome = "input_required".equals(result.getString("resultType"))
                        ? "input_required"
                        : Boolean.TRUE.equals(result.getValue("isError")) ? "tool_error" : "ok";
            }
        }

        String result() {
            if (outcome == null && json != null) {
                judge(parse(json.toString()));
            }
            return outcome == null ? "backend_failed" : outcome;
        }
    }

    /** Whether a chunk of an SSE stream ends where an event does (a blank line). */
    private static boolean endsEvent(Buffer chunk) {
        int n = chunk.length();
        return n >= 2
                && chunk.getByte(n - 1) == '\n'
                && (chunk.getByte(n - 2) == '\n'
                        || (n >= 4 && chunk.getByte(n - 2) == '\r' && chunk.getByte(n - 3) == '\n'));
    }
}
