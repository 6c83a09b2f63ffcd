package org.mcpfront.oauth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.config.RouteConfig;

/**
 * The discovery documents: RFC 8414 authorization server metadata (also served as
 * {@code openid-configuration} for clients that look there), RFC 9728 protected resource metadata
 * for the gateway and for each route's endpoints, and the JWK set of our token signing key.
 */
final class MetadataEndpoints {

    private final Supplier<AuthorizationServerConfig> config;
    private final JsonObject jwks;

    MetadataEndpoints(Supplier<AuthorizationServerConfig> config, JsonObject jwks) {
        this.config = config;
        this.jwks = jwks;
    }

    void authorizationServer(RoutingContext ctx) {
        String issuer = config.get().oauth().issuer();
        JsonArray authMethods = new JsonArray(List.of("none", "client_secret_basic", "client_secret_post"));
        JsonObject body = new JsonObject()
                .put("issuer", issuer)
                .put("authorization_endpoint", issuer + ReservedPaths.AUTHORIZE)
                .put("token_endpoint", issuer + ReservedPaths.TOKEN)
                .put("registration_endpoint", issuer + ReservedPaths.REGISTER)
                .put("revocation_endpoint", issuer + ReservedPaths.REVOKE)
                .put("jwks_uri", issuer + ReservedPaths.JWKS)
                .put("scopes_supported", new JsonArray().add(Resources.SCOPE))
                .put("response_types_supported", new JsonArray().add("code"))
                .put("response_modes_supported", new JsonArray().add("query"))
                .put(
                        "grant_types_supported",
                        new JsonArray().add("authorization_code").add("refresh_token"))
                .put("code_challenge_methods_supported", new JsonArray().add("S256"))
                .put("token_endpoint_auth_methods_supported", authMethods)
                .put("revocation_endpoint_auth_methods_supported", authMethods.copy())
                .put("client_id_metadata_document_supported", true)
                .put("authorization_response_iss_parameter_supported", true);
        publicJson(ctx, body);
    }

    /** {@code /.well-known/oauth-protected-resource[/<route>/<mcp|sse>]}. */
    void protectedResource(RoutingContext ctx) {
        AuthorizationServerConfig current = config.get();
        String issuer = current.oauth().issuer();
        String suffix = ctx.pathParam("*") == null ? "" : ctx.pathParam("*");
        String resource;
        String name;
        if (suffix.isEmpty() || suffix.equals("/")) {
            resource = issuer;
            name = "mcp-front";
        } else {
            String path = suffix.startsWith("/") ? suffix : "/" + suffix;
            int slash = path.lastIndexOf('/');
            String routePath = path.substring(0, slash);
            String endpoint = path.substring(slash + 1);
            if (!(endpoint.equals("mcp") || endpoint.equals("sse"))
                    || current.route(routePath).isEmpty()) {
                OAuthReplies.json(
                        ctx.response(),
                        404,
                        new JsonObject().put("error", "not_found").put("error_description", "no route serves " + path));
                return;
            }
            resource = Resources.resourceUrl(issuer, routePath, endpoint);
            name = "mcp-front " + routePath;
        }
        publicJson(
                ctx,
                new JsonObject()
                        .put("resource", resource)
                        .put("authorization_servers", new JsonArray().add(issuer))
                        .put("bearer_methods_supported", new JsonArray().add("header"))
                        .put("scopes_supported", new JsonArray().add(Resources.SCOPE))
                        .put("resource_name", name));
    }

    /**
     * {@code /.well-known/oauth-protected-resource[/mcp|/sse]} on a route's own host: the resource is that host's
     * {@code /mcp} (or {@code /sse}) URL. The bare form names {@code /mcp} too, not the host's origin: the host
     * serves this one route, and clients that only try the bare form connect to {@code /mcp}.
     */
    void protectedResourceOnHost(RoutingContext ctx, RouteConfig route) {
        String issuer = config.get().oauth().issuer();
        String suffix = ctx.pathParam("*") == null ? "" : ctx.pathParam("*");
        String endpoint = switch (suffix.startsWith("/") ? suffix.substring(1) : suffix) {
            case "", "mcp" -> "mcp";
            case "sse" -> "sse";
            default -> null;
        };
        if (endpoint == null) {
            OAuthReplies.json(
                    ctx.response(),
                    404,
                    new JsonObject()
                            .put("error", "not_found")
                            .put("error_description", "this host serves only /mcp and /sse"));
            return;
        }
        publicJson(
                ctx,
                new JsonObject()
                        .put(
                                "resource",
                                Resources.hostResourceUrl(issuer, route.host().orElseThrow(), endpoint))
                        .put("authorization_servers", new JsonArray().add(issuer))
                        .put("bearer_methods_supported", new JsonArray().add("header"))
                        .put("scopes_supported", new JsonArray().add(Resources.SCOPE))
                        .put("resource_name", "mcp-front " + route.path()));
    }

    void jwks(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "application/jwk-set+json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(jwks.encode());
    }

    private static void publicJson(RoutingContext ctx, JsonObject body) {
        ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(body.encode());
    }
}
