package org.mcpfront.credentials;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.uritemplate.UriTemplate;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.mcpfront.config.RouteCredential;

/**
 * mcp-front as an OAuth client of the service behind a route ({@code credential: { kind: oauth }}): its
 * endpoints (configured, or discovered from the issuer), the authorization URL of a connect (code flow, PKCE
 * S256, state), the code exchange and the refresh. Confidential clients authenticate with HTTP Basic.
 */
final class ServiceClient {

    /** A refused grant (RFC 6749 §5.2: {@code invalid_grant} and the like): the user must connect again. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    record Endpoints(URI authorization, URI token) {}

    private static final long TIMEOUT_MS = 10_000;

    private final WebClient web;
    private final Clock clock;
    private final Map<URI, Future<Endpoints>> discovered = new ConcurrentHashMap<>();

    ServiceClient(Vertx vertx, Clock clock) {
        this.web = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setUserAgent("mcp-front")
                        .setConnectTimeout((int) TIMEOUT_MS)
                        .setFollowRedirects(false));
        this.clock = clock;
    }

    Future<Endpoints> endpoints(RouteCredential.OAuth service) {
        if (service.authorizationEndpoint().isPresent()
                && service.tokenEndpoint().isPresent()) {
            return Future.succeededFuture(new Endpoints(
                    service.authorizationEndpoint().get(),
                    service.tokenEndpoint().get()));
        }
        URI issuer = service.issuer().orElseThrow();
        Future<Endpoints> found = discovered.computeIfAbsent(issuer, this::discover);
        // A failed discovery is tried again on the next connect, not remembered.
        return found.onFailure(e -> discovered.remove(issuer, found))
                .map(e -> new Endpoints(
                        service.authorizationEndpoint().orElse(e.authorization()),
                        service.tokenEndpoint().orElse(e.token())));
    }

    /** RFC 8414 (path inserted after the well-known prefix), then OpenID Connect discovery (appended). */
    private Future<Endpoints> discover(URI issuer) {
        String base = issuer.getScheme() + "://" + issuer.getRawAuthority();
        String path = issuer.getRawPath() == null || "/".equals(issuer.getRawPath()) ? "" : issuer.getRawPath();
        List<String> urls = List.of(
                base + "/.well-known/oauth-authorization-server" + path,
                base + path + "/.well-known/openid-configuration",
                base + path + "/.well-known/oauth-authorization-server");
        return metadata(urls, 0, issuer);
    }

    private Future<Endpoints> metadata(List<String> urls, int index, URI issuer) {
        if (index == urls.size()) {
            return Future.failedFuture(new IllegalStateException(
                    "no authorization server metadata found for " + issuer + " (tried " + urls + ")"));
        }
        return web.getAbs(UriTemplate.of(urls.get(index)))
                .timeout(TIMEOUT_MS)
                .send()
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return metadata(urls, index + 1, issuer);
                    }
                    JsonObject doc = response.bodyAsJsonObject();
                    String authorization = doc.getString("authorization_endpoint");
                    String token = doc.getString("token_endpoint");
                    if (authorization == null || token == null) {
                        return metadata(urls, index + 1, issuer);
                    }
                    return Future.succeededFuture(new Endpoints(URI.create(authorization), URI.create(token)));
                });
    }

    /** Where the browser goes to connect: the service's authorization endpoint with code, PKCE S256 and state. */
    static String authorizationUrl(
            Endpoints endpoints,
            RouteCredential.OAuth service,
            String redirectUri,
            String state,
            String codeChallenge) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", service.clientId());
        params.put("redirect_uri", redirectUri);
        params.put("state", state);
        params.put("code_challenge", codeChallenge);
        params.put("code_challenge_method", "S256");
        if (!service.scopes().isEmpty()) {
            params.put("scope", String.join(" ", service.scopes()));
        }
        String query = params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String base = endpoints.authorization().toString();
        return base + (base.contains("?") ? "&" : "?") + query;
    }

    Future<ServiceCredential> exchange(
            RouteCredential.OAuth service, String code, String codeVerifier, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", codeVerifier);
        Instant now = clock.instant();
        return endpoints(service)
                .compose(e -> token(e.token(), service, form))
                .map(json -> credential(json, Optional.empty(), now, now));
    }

    /** A new access token for {@code old}'s refresh token; a service that rotates it gives a new one too. */
    Future<ServiceCredential> refresh(RouteCredential.OAuth service, ServiceCredential old) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", old.refreshToken().orElseThrow());
        Instant now = clock.instant();
        return endpoints(service)
                .compose(e -> token(e.token(), service, form))
                .map(json -> credential(json, old.refreshToken(), old.connectedAt(), now));
    }

    private Future<JsonObject> token(URI endpoint, RouteCredential.OAuth service, Map<String, String> form) {
        var request = web.postAbs(endpoint.toString()).timeout(TIMEOUT_MS).putHeader("Accept", "application/json");
        if (service.clientSecret().isEmpty()) {
            form.put("client_id", service.clientId());
        } else {
            String pair = encode(service.clientId()) + ":" + encode(service.clientSecret());
            request.putHeader(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return request.putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer(body))
                .compose(ServiceClient::tokenResponse);
    }

    private static Future<JsonObject> tokenResponse(HttpResponse<Buffer> response) {
        JsonObject json;
        try {
            json = response.bodyAsJsonObject();
        } catch (RuntimeException e) {
            json = null;
        }
        if (response.statusCode() == 200 && json != null && json.getString("access_token") != null) {
            return Future.succeededFuture(json);
        }
        String error = json == null ? null : json.getString("error");
        String reason = "the service's token endpoint answered HTTP " + response.statusCode()
                + (error == null ? "" : " " + error);
        // RFC 6749 §5.2: 400 with an error code is the service refusing this grant; anything else may pass.
        return Future.failedFuture(
                response.statusCode() == 400 || response.statusCode() == 401
                        ? new Refused(reason)
                        : new IllegalStateException(reason));
    }

    private static ServiceCredential credential(
            JsonObject json, Optional<String> previousRefresh, Instant connectedAt, Instant now) {
        Long expiresIn = json.getValue("expires_in") instanceof Number n ? n.longValue() : null;
        return new ServiceCredential(
                json.getString("access_token"),
                Optional.ofNullable(json.getString("refresh_token")).or(() -> previousRefresh),
                Optional.ofNullable(expiresIn).map(now::plusSeconds),
                connectedAt);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
