package org.mcpfront.edge;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.Caller;
import org.mcpfront.oauth.Resources;
import org.mcpfront.oauth.grants.AccessTokens;
import org.mcpfront.observability.Audit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every MCP request carries {@code Authorization: Bearer <access token>} (MCP authorization, RFC 6750
 * §2.1 only: tokens in the query string are refused). The token is checked here with the public key,
 * no event-bus hop, and its audience must cover the route. Failures answer 401 with the route's
 * RFC 9728 metadata URL, which is how clients discover where to sign in.
 */
final class BearerCheck {

    private static final Logger log = LoggerFactory.getLogger(BearerCheck.class);
    static final String CLAIMS = "mcp-front.claims";

    private final AccessTokens tokens;
    private final Supplier<EdgeConfig> config;

    BearerCheck(AccessTokens tokens, Supplier<EdgeConfig> config) {
        this.tokens = tokens;
        this.config = config;
    }

    void check(RoutingContext ctx, RouteConfig route, String endpoint) {
        // Parsed only when there is a query: parsing keeps a map on the request for as long as it lives (a stream).
        String query = ctx.request().query();
        if (query != null && !query.isEmpty() && ctx.request().params().contains("access_token")) {
            refuse(
                    ctx,
                    route,
                    endpoint,
                    "invalid_request",
                    "access tokens are accepted only in the Authorization header",
                    null);
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            refuse(
                    ctx,
                    route,
                    endpoint,
                    null,
                    "Unauthorized: sign in to use " + route.path() + " (send a Bearer access token)",
                    null);
            return;
        }
        String token = header.substring(7).trim();
        // The revocation lookup may wait for Redis: hold the body until the next handler reads it.
        ctx.request().pause();
        tokens.verify(token).onComplete(verified -> {
            if (verified.failed()) {
                if (!(verified.cause() instanceof AccessTokens.InvalidToken)) {
                    // The revocation list is out of reach (Redis down): the token may be fine, and a 401
                    // would send the client through sign-in again for nothing. Ask it to retry instead.
                    log.atError()
                            .addKeyValue("route", route.path())
                            .addKeyValue("reason", verified.cause().getMessage())
                            .log("token check failed: the store does not answer");
                    ctx.request().resume();
                    ctx.response().putHeader("Retry-After", "5");
                    Replies.error(
                            ctx.response(),
                            503,
                            null,
                            "Service unavailable: the access token cannot be checked "
                                    + "right now; try again shortly");
                    return;
                }
                refuse(ctx, route, endpoint, "invalid_token", verified.cause().getMessage(), null);
                return;
            }
            AccessTokens.Claims claims = verified.result();
            String viaHost = ctx.get(EdgeVerticle.VIA_HOST);
            boolean allowed = viaHost == null
                    ? Resources.allows(claims.audience(), tokens.issuer(), route.path())
                    : Resources.allowsOnHost(claims.audience(), tokens.issuer(), viaHost);
            if (!allowed) {
                refuse(
                        ctx,
                        route,
                        endpoint,
                        "invalid_token",
                        "the access token was not issued for "
                                + (viaHost == null ? route.path() : Resources.hostOrigin(tokens.issuer(), viaHost)),
                        claims);
                return;
            }
            ctx.put(CLAIMS, claims);
            // Checked: nothing after this reads the token, and a held stream's request would otherwise keep
            // its text (most of a kilobyte) for as long as the stream lasts (issue 15's heap per session).
            ctx.request().headers().remove(HttpHeaders.AUTHORIZATION);
            if (ctx.request().method() != HttpMethod.POST) {
                ctx.request().resume();
            }
            // POST bodies are read by the BodyHandler next, which resumes the request itself.
            ctx.next();
        });
    }

    /**
     * What this (checked) request presents to a session: its user, its OAuth client and the route it came
     * in on (see {@link SessionOwner#binding}).
     */
    static String binding(RoutingContext ctx) {
        RouteConfig route = ctx.get(EdgeVerticle.ROUTE);
        return owner(ctx).binding(route.path());
    }

    /** The user of this (checked) request as access rules see them: email and memberships. */
    static Caller caller(RoutingContext ctx) {
        AccessTokens.Claims claims = ctx.get(CLAIMS);
        return new Caller(claims.email(), claims.groups());
    }

    /** The owner of sessions opened or used by this (checked) request. */
    static SessionOwner owner(RoutingContext ctx) {
        AccessTokens.Claims claims = ctx.get(CLAIMS);
        return new SessionOwner(
                claims.subject(),
                claims.email(),
                claims.clientId(),
                List.copyOf(new java.util.TreeSet<>(claims.groups())));
    }

    /** Answers 401 (400 for a token in the query) and audits it; {@code claims} when the token itself checked out. */
    private void refuse(
            RoutingContext ctx,
            RouteConfig route,
            String endpoint,
            String error,
            String description,
            AccessTokens.Claims claims) {
        // The message endpoint belongs to the SSE transport: it shares that resource's metadata.
        String viaHost = ctx.get(EdgeVerticle.VIA_HOST);
        String issuer = config.get().oauth().issuer();
        String resourceEndpoint = endpoint.equals("mcp") ? "mcp" : "sse";
        String metadataUrl = viaHost == null
                ? Resources.metadataUrl(issuer, route.path(), resourceEndpoint)
                : Resources.hostMetadataUrl(issuer, viaHost, resourceEndpoint);
        Audit.accessRefused(
                route.path(),
                description,
                claims == null ? null : claims.email(),
                claims == null ? null : claims.clientId());
        ctx.request().resume();
        // MCP 2025-11-25: the scope to ask for rides along with the metadata URL.
        StringBuilder challenge = new StringBuilder("Bearer resource_metadata=\"")
                .append(metadataUrl)
                .append('"')
                .append(", scope=\"")
                .append(Resources.SCOPE)
                .append('"');
        if (error != null) {
            challenge
                    .append(", error=\"")
                    .append(error)
                    .append("\", error_description=\"")
                    .append(description.replace("\"", "'"))
                    .append('"');
        }
        ctx.response().putHeader("WWW-Authenticate", challenge.toString());
        int status = "invalid_request".equals(error) ? 400 : 401;
        Replies.error(ctx.response(), status, null, description);
    }
}
