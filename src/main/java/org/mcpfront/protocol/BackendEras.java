package org.mcpfront.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.RouteConfig.BackendProtocol;
import org.mcpfront.config.RouteConfig.BackendTransport;
import org.mcpfront.transport.McpHeaders;
import org.mcpfront.transport.SseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each HTTP backend speaks, learned rather than configured: a {@code server/discover} probe with
 * the 2026-07-28 envelope, read the way the revision's backward-compatibility rules say (a discover
 * result, or {@code -32022} offering a modern revision: modern; any other JSON-RPC error or a 4xx
 * without a modern body: legacy; 401/403, 5xx and timeouts: no answer, asked again next time).
 * Remembered per route until an answer stops fitting ({@link #forget}); a route may pin its era.
 * One instance per process, shared by the edges and the sessions.
 */
public final class BackendEras {

    private static final Logger log = LoggerFactory.getLogger(BackendEras.class);
    private static final long PROBE_TIMEOUT_MS = 10_000;
    private static final int MAX_PROBE_BYTES = 1024 * 1024;

    private final HttpClient client;
    private final Function<RouteConfig, Future<Map<String, String>>> probeHeaders;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private record Known(RouteConfig route, Future<Era> era) {}

    /** The probe found no usable answer (auth refused, server error, unreachable): the era is unknown. */
    public static final class ProbeFailed extends RuntimeException {
        ProbeFailed(String message) {
            super(message, null, false, false);
        }
    }

    public BackendEras(HttpClient client) {
        this(client, route -> Future.succeededFuture(Map.of()));
    }

    /** @param probeHeaders what a probe of a route tells its backend about who asks (mcp-front itself, no user) */
    public BackendEras(HttpClient client, Function<RouteConfig, Future<Map<String, String>>> probeHeaders) {
        this.client = client;
        this.probeHeaders = probeHeaders;
    }

    /** The era mcp-front speaks to {@code route}'s backend; stdio routes learn theirs per process. */
    public Future<Era> eraOf(RouteConfig route) {
        if (route.protocol() == BackendProtocol.V2025
                || route.http().map(RouteConfig.Http::transport).orElse(BackendTransport.STREAMABLE)
                        == BackendTransport.SSE) {
            return Future.succeededFuture(Era.LEGACY);
        }
        if (route.protocol() == BackendProtocol.V2026) {
            return Future.succeededFuture(Era.MODERN);
        }
        // Every 2026-07-28 request asks: the common case, a known answer, takes no lock.
        Known current = known.get(route.path());
        if (usable(current, route)) {
            return current.era;
        }
        return known.compute(
                        route.path(), (path, found) -> usable(found, route) ? found : new Known(route, probe(route)))
                .era;
    }

    /** An answer for this very route (not an edited one) that did not fail (those are asked again). */
    private static boolean usable(Known entry, RouteConfig route) {
        return entry != null && entry.route.equals(route) && !(entry.era.isComplete() && entry.era.failed());
    }

    /** The backend answered in a way its remembered era does not explain: probe again next time. */
    public void forget(RouteConfig route, String why) {
        Known removed = known.remove(route.path());
        if (removed != null) {
            log.atInfo()
                    .addKeyValue("route", route.path())
                    .addKeyValue("reason", why)
                    .log("backend protocol era forgotten; probing again");
        }
    }

    /** A session learned the era first-hand (initialize answered with -32022 offering 2026-07-28). */
    public void learned(RouteConfig route, Era era) {
        if (route.protocol() == BackendProtocol.AUTO) {
            known.put(route.path(), new Known(route, Future.succeededFuture(era)));
        }
    }

    private Future<Era> probe(RouteConfig route) {
        JsonObject envelope =
                Envelope.forClient(new JsonObject(), Identity.CLIENT_INFO, null).applyTo(null);
        JsonObject body = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", "mcp-front-probe")
                .put("method", "server/discover")
                .put("params", envelope);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(route.http().orElseThrow().url().toString())
                .setIdleTimeout(PROBE_TIMEOUT_MS)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, McpHeaders.ACCEPT_JSON_OR_STREAM)
                .putHeader(ModernRequests.PROTOCOL_VERSION_HEADER, ProtocolVersions.MODERN)
                .putHeader(ModernRequests.METHOD_HEADER, "server/discover");
        route.headers().forEach(options::putHeader);
        return probeHeaders
                .apply(route)
                .compose(identity -> {
                    identity.forEach(options::putHeader);
                    return client.request(options);
                })
                .compose(request -> request.send(body.encode()))
                .compose(BackendEras::firstMessage)
                .map(answer -> classify(route, answer))
                .onSuccess(era -> log.atInfo()
                        .addKeyValue("route", route.path())
                        .addKeyValue("era", era.label())
                        .log("backend protocol era found"))
                .onFailure(e -> log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("reason", e.getMessage())
                        .log("backend protocol era unknown: the probe got no usable answer"));
    }

    /** The HTTP status and the first JSON-RPC message of the answer (null when there is none). */
    private record Answer(int status, JsonObject message) {}

    private static Future<Answer> firstMessage(HttpClientResponse response) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            response.body();
            return Future.failedFuture(new ProbeFailed(
                    "the backend refused mcp-front's credentials (HTTP " + status + "); check the route's headers"));
        }
        if (status >= 500) {
            response.body();
            return Future.failedFuture(new ProbeFailed("the backend failed (HTTP " + status + ")"));
        }
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (McpHeaders.isEventStream(type)) {
            Promise<Answer> first = Promise.promise();
            SseParser parser = new SseParser(MAX_PROBE_BYTES, event -> {
                JsonObject message = parse(event.data());
                if (message != null && message.containsKey("id")) {
                    first.tryComplete(new Answer(status, message));
                    response.request().reset();
                }
            });
            response.handler(chunk -> {
                try {
                    parser.feed(chunk);
                } catch (IllegalStateException tooLarge) {
                    first.tryFail(new ProbeFailed("the backend's answer to server/discover is too large"));
                    response.request().reset();
                }
            });
            response.exceptionHandler(e -> first.tryComplete(new Answer(status, null)));
            response.endHandler(v -> first.tryComplete(new Answer(status, null)));
            return first.future();
        }
        return response.body()
                .map(buffer -> new Answer(status, buffer.length() > MAX_PROBE_BYTES ? null : parse(buffer.toString())));
    }

    private static JsonObject parse(String text) {
        try {
            Object value = Json.decodeValue(text);
            return value instanceof JsonObject object ? object : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static Era classify(RouteConfig route, Answer answer) {
        JsonObject message = answer.message();
        if (message != null
                && message.getValue("result") instanceof JsonObject result
                && result.containsKey("supportedVersions")) {
            boolean modern = result.getJsonArray("supportedVersions").stream()
                    .anyMatch(v -> v instanceof String s && ProtocolVersions.isModern(s));
            return modern ? Era.MODERN : Era.LEGACY;
        }
        if (message != null && McpErrors.offersModern(message)) {
            return Era.MODERN;
        }
        return Era.LEGACY;
    }
}
