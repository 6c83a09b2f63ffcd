package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.net.BackendClients;
import org.mcpfront.tracing.Tracing;
import org.mcpfront.transport.McpHeaders;

/**
 * The HTTP client every HTTP-backed session shares ({@link BackendClients}), and the request shapes they
 * send. A session's view ({@link #forCaller}) adds what the route tells its backend about the session's user
 * ({@link BackendIdentity}) to every request it opens.
 */
public final class BackendHttp {

    static final String EVENT_STREAM = McpHeaders.EVENT_STREAM;
    /** A single backend event larger than this is refused rather than buffered without bound. */
    static final int MAX_EVENT_BYTES = 32 * 1024 * 1024;

    private final HttpClient client;
    private final BackendIdentity identity;
    private final RouteConfig route;
    private final SessionOwner caller;
    private final boolean probe;

    public BackendHttp(Vertx vertx, BackendIdentity identity) {
        this(BackendClients.create(vertx), identity, null, null, false);
    }

    /** A client that tells backends nothing about anyone. */
    public BackendHttp(Vertx vertx) {
        this(vertx, BackendIdentity.none());
    }

    private BackendHttp(
            HttpClient client, BackendIdentity identity, RouteConfig route, SessionOwner caller, boolean probe) {
        this.probe = probe;
        this.client = client;
        this.identity = identity;
        this.route = route;
        this.caller = caller;
    }

    /** The same client, adding {@code route}'s identity headers about {@code caller} to every request opened. */
    BackendHttp forCaller(RouteConfig sessionRoute, SessionOwner sessionCaller) {
        return new BackendHttp(client, identity, sessionRoute, sessionCaller, false);
    }

    /** The same client, adding what {@code probedRoute}'s backend is told when mcp-front itself asks (no user). */
    BackendHttp forProbe(RouteConfig probedRoute) {
        return new BackendHttp(client, identity, probedRoute, null, true);
    }

    /** Opens a request with the caller's identity headers added (none outside a session's view). */
    Future<HttpClientRequest> open(RequestOptions options) {
        if (route == null) {
            return client.request(options);
        }
        return (probe ? identity.probeHeaders(route) : identity.headers(route, caller)).compose(headers -> {
            headers.forEach(options::putHeader);
            return client.request(options);
        });
    }

    /** What a stdio route's process gets of the caller's own credential ({@code ${user.credential}}). */
    Future<Map<String, String>> credentialEnvironment() {
        return route == null || probe
                ? Future.succeededFuture(Map.of())
                : identity.credentialEnvironment(route, caller);
    }

    public HttpClient client() {
        return client;
    }

    /** A request to {@code url} carrying the route's configured headers (never the client's). */
    static RequestOptions request(HttpMethod method, URI url, RouteConfig route) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url.toString());
        route.headers().forEach(options::putHeader);
        Tracing.inject(options);
        return options;
    }

    static boolean isEventStream(HttpClientResponse response) {
        return McpHeaders.isEventStream(response.getHeader(HttpHeaders.CONTENT_TYPE));
    }

    static boolean isJson(HttpClientResponse response) {
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.toLowerCase().startsWith("application/json");
    }

    /** A short, log-safe description of an unexpected response body. */
    static String snippet(String body) {
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }

    static RequestOptions withSession(RequestOptions options, String sessionId, String protocolVersion) {
        if (sessionId != null) {
            options.putHeader(McpHeaders.SESSION_ID, sessionId);
        }
        if (protocolVersion != null) {
            options.putHeader(McpHeaders.PROTOCOL_VERSION, protocolVersion);
        }
        return options;
    }

    public Future<Void> close() {
        return client.close();
    }
}
