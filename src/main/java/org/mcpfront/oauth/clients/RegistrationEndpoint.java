package org.mcpfront.oauth.clients;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.oauth.OAuthReplies;
import org.mcpfront.oauth.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /register}: RFC 7591 dynamic client registration. Public clients
 * ({@code token_endpoint_auth_method: none}, what MCP clients use) and confidential ones
 * ({@code client_secret_basic} / {@code client_secret_post}, whose secret we keep only as a hash).
 * Redirect URIs must be https, or http on a loopback address (RFC 8252 native apps).
 */
public final class RegistrationEndpoint {

    private static final Logger log = LoggerFactory.getLogger(RegistrationEndpoint.class);
    static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_basic", "client_secret_post");
    private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token");
    private static final int MAX_NAME_LENGTH = 200;

    private final Clients clients;
    private final Throttle throttle;

    public RegistrationEndpoint(Clients clients, Throttle throttle) {
        this.clients = clients;
        this.throttle = throttle;
    }

    public void register(RoutingContext ctx) {
        throttle.registration(ctx.request()).onComplete(verdict -> {
            if (verdict.failed()) {
                unavailable(ctx, verdict.cause());
            } else if (!verdict.result().allowed()) {
                ctx.response()
                        .putHeader("Retry-After", Long.toString(verdict.result().retryAfterSeconds()));
                OAuthReplies.error(
                        ctx.response(), 429, "too_many_requests", Throttle.refusal("registrations", verdict.result()));
            } else {
                registerNow(ctx);
            }
        });
    }

    /** The store refused the count or the client (full, or Redis out of reach): registration waits. */
    private static void unavailable(RoutingContext ctx, Throwable cause) {
        log.atWarn()
                .addKeyValue("reason", cause.getMessage())
                .log("refused a registration: the store does not take it");
        ctx.response().putHeader("Retry-After", "60");
        OAuthReplies.error(
                ctx.response(),
                503,
                "temporarily_unavailable",
                "registration is not possible right now; " + "try again later");
    }

    private void registerNow(RoutingContext ctx) {
        JsonObject request;
        try {
            request = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            request = null;
        }
        if (request == null) {
            OAuthReplies.error(
                    ctx.response(), 400, "invalid_client_metadata", "the body must be a JSON object (RFC 7591)");
            return;
        }
        List<String> redirectUris;
        try {
            redirectUris = redirectUris(request.getValue("redirect_uris"));
        } catch (IllegalArgumentException e) {
            OAuthReplies.error(ctx.response(), 400, "invalid_redirect_uri", e.getMessage());
            return;
        }
        String method = request.getValue("token_endpoint_auth_method") instanceof String s ? s : "client_secret_basic";
        if (!AUTH_METHODS.contains(method)) {
            OAuthReplies.error(
                    ctx.response(),
                    400,
                    "invalid_client_metadata",
                    "token_endpoint_auth_method must be one of " + AUTH_METHODS + ", not " + method);
            return;
        }
        List<String> grantTypes = strings(request.getValue("grant_types"), List.of("authorization_code"));
        if (grantTypes == null || !GRANT_TYPES.containsAll(grantTypes)) {
            OAuthReplies.error(
                    ctx.response(),
                    400,
                    "invalid_client_metadata",
                    "grant_types may hold only authorization_code and refresh_token");
            return;
        }
        List<String> responseTypes = strings(request.getValue("response_types"), List.of("code"));
        if (responseTypes == null || !List.of("code").containsAll(responseTypes)) {
            OAuthReplies.error(ctx.response(), 400, "invalid_client_metadata", "response_types may hold only code");
            return;
        }
        String name = request.getValue("client_name") instanceof String s && !s.isBlank() ? s.strip() : null;
        if (name != null && name.length() > MAX_NAME_LENGTH) {
            name = name.substring(0, MAX_NAME_LENGTH);
        }
        String clientId = Secrets.random();
        String secret = method.equals("none") ? null : Secrets.random();
        RegisteredClient client = new RegisteredClient(
                clientId, name, redirectUris, method, secret == null ? null : Secrets.hash(secret), false);
        String clientName = name;
        clients.register(client)
                .onSuccess(v -> {
                    log.atInfo()
                            .addKeyValue("client_id", clientId)
                            .addKeyValue("client_name", clientName)
                            .addKeyValue("auth_method", method)
                            .log("registered an OAuth client");
                    JsonObject body = new JsonObject()
                            .put("client_id", clientId)
                            .put("client_id_issued_at", Instant.now().getEpochSecond())
                            .put("redirect_uris", new JsonArray(redirectUris))
                            .put("token_endpoint_auth_method", method)
                            .put("grant_types", new JsonArray(grantTypes))
                            .put("response_types", new JsonArray(responseTypes));
                    if (clientName != null) {
                        body.put("client_name", clientName);
                    }
                    if (secret != null) {
                        body.put("client_secret", secret).put("client_secret_expires_at", 0);
                    }
                    OAuthReplies.json(ctx.response(), 201, body);
                })
                .onFailure(e -> unavailable(ctx, e));
    }

    private static List<String> redirectUris(Object value) {
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw new IllegalArgumentException("redirect_uris must be a non-empty array of URLs");
        }
        if (array.size() > RegisteredClient.MAX_REDIRECT_URIS) {
            throw new IllegalArgumentException("at most " + RegisteredClient.MAX_REDIRECT_URIS + " redirect_uris");
        }
        List<String> uris = new ArrayList<>();
        for (Object item : array) {
            if (item instanceof String uri && uri.length() > RegisteredClient.MAX_REDIRECT_URI_LENGTH) {
                throw new IllegalArgumentException(
                        "a redirect URI may have at most " + RegisteredClient.MAX_REDIRECT_URI_LENGTH + " characters");
            }
            if (!(item instanceof String uri) || !allowedRedirect(uri)) {
                throw new IllegalArgumentException("redirect URI " + item + " is not allowed: use https, or http on "
                        + "127.0.0.1, [::1] or localhost, with no fragment");
            }
            uris.add(uri);
        }
        return uris;
    }

    /** https anywhere, or http on a loopback host (RFC 8252 §7.3); never a fragment. */
    static boolean allowedRedirect(String uri) {
        try {
            URI parsed = new URI(uri);
            if (parsed.getRawFragment() != null || parsed.getHost() == null || parsed.getRawUserInfo() != null) {
                return false;
            }
            String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
            return scheme.equals("https")
                    || (scheme.equals("http") && RegisteredClient.isLoopbackHost(parsed.getHost()));
        } catch (URISyntaxException | NullPointerException e) {
            return false;
        }
    }

    private static List<String> strings(Object value, List<String> fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof JsonArray array)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof String s)) {
                return null;
            }
            out.add(s);
        }
        return out;
    }
}
