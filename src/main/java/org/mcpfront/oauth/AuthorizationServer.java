package org.mcpfront.oauth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.IdentityProvider;
import org.mcpfront.identity.Memberships;
import org.mcpfront.limits.RateLimiter;
import org.mcpfront.net.ClientAddresses;
import org.mcpfront.oauth.clients.ClientMetadataDocuments;
import org.mcpfront.oauth.clients.Clients;
import org.mcpfront.oauth.clients.RegistrationEndpoint;
import org.mcpfront.oauth.grants.AccessTokens;
import org.mcpfront.oauth.grants.AuthorizeEndpoint;
import org.mcpfront.oauth.grants.Grants;
import org.mcpfront.oauth.grants.TokenEndpoint;
import org.mcpfront.storage.Store;

/**
 * mcp-front's OAuth 2.1 authorization server: discovery documents, registration, the browser flow
 * (authorize, identity provider callback, consent), token and revocation endpoints. One per edge
 * verticle; they share the store, the signing key and the identity provider.
 */
public final class AuthorizationServer {

    /** Small JSON and form bodies only; nothing legitimate comes close. */
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private final MetadataEndpoints metadata;
    private final RegistrationEndpoint registration;
    private final AuthorizeEndpoint authorize;
    private final TokenEndpoint token;
    private final IdentityProvider identity;
    private final ClientMetadataDocuments documents;

    /** The parts every edge shares: built once at start. */
    /**
     * @param memberships what sign-in and refresh look memberships up with
     * @param jwks        the public keys at {@code /jwks.json}: the access tokens' and the backend assertions'
     */
    public record Shared(
            Store store,
            SigningKeys keys,
            AccessTokens accessTokens,
            IdentityProvider identity,
            ClientMetadataDocuments.Policy documentPolicy,
            Memberships memberships,
            JsonObject jwks,
            Function<String, Future<Void>> onGrantRevoked) {

        /** The same, telling {@code hook} the subject of every grant revoked. */
        public Shared onGrantRevoked(Function<String, Future<Void>> hook) {
            return new Shared(store, keys, accessTokens, identity, documentPolicy, memberships, jwks, hook);
        }

        public static Shared create(
                Store store,
                SigningKeys keys,
                OAuthConfig oauth,
                IdentityProvider identity,
                ClientMetadataDocuments.Policy documentPolicy) {
            return create(store, keys, oauth, identity, documentPolicy, Memberships.providerOnly(), null);
        }

        /** @param assertionKey the public JWK of the backend assertions' key, or null */
        public static Shared create(
                Store store,
                SigningKeys keys,
                OAuthConfig oauth,
                IdentityProvider identity,
                ClientMetadataDocuments.Policy documentPolicy,
                Memberships memberships,
                JsonObject assertionKey) {
            AccessTokens tokens = new AccessTokens(
                    keys,
                    Resources.canonical(oauth.issuer()).orElseThrow(),
                    oauth.tokenTtl(),
                    store,
                    Clock.systemUTC());
            JsonObject jwks = keys.publicJwks().copy();
            if (assertionKey != null) {
                jwks.getJsonArray("keys").add(assertionKey);
            }
            return new Shared(
                    store,
                    keys,
                    tokens,
                    identity,
                    documentPolicy,
                    memberships,
                    jwks,
                    subject -> Future.succeededFuture());
        }
    }

    public AuthorizationServer(Vertx vertx, Supplier<AuthorizationServerConfig> config, Shared shared) {
        this.documents = new ClientMetadataDocuments(vertx, shared.documentPolicy());
        Clients clients =
                new Clients(shared.store(), documents, config.get().oauth().unusedClientTtl());
        Grants grants = new Grants(
                vertx,
                shared.store(),
                shared.accessTokens(),
                config.get().oauth().refreshTokenTtl(),
                config.get().oauth().refreshGrace(),
                shared.memberships(),
                shared.onGrantRevoked());
        // Read once: the listener's trusted proxies and the limits are start-up settings.
        ClientAddresses addresses =
                new ClientAddresses(config.get().trustedProxies(), config.get().trustedProxyHeader());
        Throttle throttle = new Throttle(
                new RateLimiter(shared.store(), Clock.systemUTC()),
                addresses,
                config.get().oauth().limits());
        this.metadata = new MetadataEndpoints(config, shared.jwks());
        this.registration = new RegistrationEndpoint(clients, throttle);
        this.authorize = new AuthorizeEndpoint(
                config, shared.store(), clients, grants, shared.identity(), throttle, shared.memberships());
        this.token = new TokenEndpoint(clients, grants, shared.accessTokens());
        this.identity = shared.identity();
    }

    public void mount(Router router) {
        // Browser-based MCP clients (MCP Inspector) call these cross-origin; none of them uses cookies.
        CorsHandler cors = CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Content-Type", "Authorization", "MCP-Protocol-Version"));
        for (String path : List.of(
                ReservedPaths.AUTHORIZATION_SERVER_METADATA,
                ReservedPaths.OPENID_CONFIGURATION,
                ReservedPaths.PROTECTED_RESOURCE_METADATA,
                ReservedPaths.PROTECTED_RESOURCE_METADATA + "/*",
                ReservedPaths.JWKS,
                ReservedPaths.REGISTER,
                ReservedPaths.TOKEN,
                ReservedPaths.REVOKE)) {
            router.route(path).handler(cors);
        }
        router.get(ReservedPaths.AUTHORIZATION_SERVER_METADATA).handler(metadata::authorizationServer);
        router.get(ReservedPaths.OPENID_CONFIGURATION).handler(metadata::authorizationServer);
        router.get(ReservedPaths.PROTECTED_RESOURCE_METADATA).handler(metadata::protectedResource);
        router.get(ReservedPaths.PROTECTED_RESOURCE_METADATA + "/*").handler(metadata::protectedResource);
        router.get(ReservedPaths.JWKS).handler(metadata::jwks);

        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.post(ReservedPaths.REGISTER).handler(body).handler(registration::register);
        router.get(ReservedPaths.AUTHORIZE).handler(authorize::authorize);
        router.get(ReservedPaths.CALLBACK).handler(authorize::callback);
        router.post(ReservedPaths.CALLBACK).handler(body).handler(authorize::callback);
        router.post(ReservedPaths.CONSENT).handler(body).handler(authorize::consent);
        router.post(ReservedPaths.TOKEN).handler(body).handler(token::token);
        router.post(ReservedPaths.REVOKE).handler(body).handler(token::revoke);
        identity.mount(router);
    }

    /**
     * What a route's own host serves of the authorization server: its protected resource metadata, nothing else.
     * The issuer, its metadata and its endpoints stay on the issuer's host (RFC 8414 §3.3: metadata names the
     * issuer it was fetched from, so a copy on another host would not validate).
     */
    public void mountOnRouteHost(Router router, Function<RoutingContext, RouteConfig> routeOf) {
        CorsHandler cors = CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Content-Type", "Authorization", "MCP-Protocol-Version"));
        for (String path :
                new String[] {"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/*"}) {
            router.route(path).handler(cors);
            router.get(path).handler(ctx -> metadata.protectedResourceOnHost(ctx, routeOf.apply(ctx)));
        }
    }

    /** The sign-in of mcp-front's own pages (the status page). */
    public PageSignIn pageSignIn() {
        return authorize.pages();
    }

    /** Releases the metadata document fetcher's connections. */
    public Future<Void> close() {
        return documents.close();
    }
}
