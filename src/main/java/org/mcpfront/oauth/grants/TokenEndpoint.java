package org.mcpfront.oauth.grants;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.oauth.OAuthReplies;
import org.mcpfront.oauth.Resources;
import org.mcpfront.oauth.clients.Clients;
import org.mcpfront.oauth.clients.RegisteredClient;
import org.mcpfront.observability.Audit;

/**
 * {@code POST /token} (authorization_code and refresh_token grants) and {@code POST /revoke}
 * (RFC 7009). Clients authenticate as they registered: public clients by {@code client_id} alone,
 * confidential ones with their secret in HTTP Basic or the form. An unknown client gets 401
 * {@code invalid_client}, which makes Claude register again.
 */
public final class TokenEndpoint {

    /** RFC 7636 §4.1 code_verifier syntax. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private final Clients clients;
    private final Grants grants;
    private final AccessTokens accessTokens;

    public TokenEndpoint(Clients clients, Grants grants, AccessTokens accessTokens) {
        this.clients = clients;
        this.grants = grants;
        this.accessTokens = accessTokens;
    }

    public void token(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        Credentials credentials = credentials(ctx, form);
        String grantType = form.get("grant_type");
        authenticate(credentials)
                .compose(client -> grant(form, grantType, client))
                .onSuccess(pair -> {
                    Audit.tokenIssued(
                            pair.grant().identity().email(), pair.grant().clientId(), grantType);
                    OAuthReplies.json(
                            ctx.response(),
                            200,
                            new JsonObject()
                                    .put("access_token", pair.access().token())
                                    .put("token_type", "Bearer")
                                    .put("expires_in", secondsLeft(pair.access()))
                                    .put("refresh_token", pair.refreshToken())
                                    .put("scope", pair.grant().scope()));
                })
                .onFailure(e -> {
                    if (e instanceof Grants.InvalidGrant invalid) {
                        Audit.tokenRefused(credentials.clientId(), grantType, "invalid_grant", invalid.getMessage());
                        OAuthReplies.error(ctx.response(), 400, "invalid_grant", invalid.getMessage());
                    } else if (e instanceof InvalidRequest invalid) {
                        Audit.tokenRefused(credentials.clientId(), grantType, invalid.error, invalid.getMessage());
                        OAuthReplies.error(ctx.response(), invalid.status(), invalid.error, invalid.getMessage());
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    /** The access token's remaining lifetime: a retried refresh hands out a pair issued a little earlier. */
    private static long secondsLeft(AccessTokens.Issued access) {
        return Math.max(0, (Duration.between(Instant.now(), access.expiresAt()).toMillis() + 500) / 1000);
    }

    private Future<Grants.TokenPair> grant(MultiMap form, String grantType, RegisteredClient client) {
        if ("authorization_code".equals(grantType)) {
            return authorizationCode(form, client);
        }
        if ("refresh_token".equals(grantType)) {
            return refresh(form, client);
        }
        return Future.failedFuture(
                new InvalidRequest("unsupported_grant_type", "grant_type must be authorization_code or refresh_token"));
    }

    private Future<Grants.TokenPair> authorizationCode(MultiMap form, RegisteredClient client) {
        String code = form.get("code");
        String verifier = form.get("code_verifier");
        if (code == null) {
            return Future.failedFuture(new InvalidRequest("invalid_request", "code is required"));
        }
        if (verifier == null || !VERIFIER.matcher(verifier).matches()) {
            return Future.failedFuture(new InvalidRequest(
                    "invalid_request", "code_verifier is required: 43 to 128 characters of [A-Za-z0-9._~-] (PKCE)"));
        }
        return grants.redeemCode(code).compose(record -> {
            Grants.Grant grant = record.grant();
            if (!grant.clientId().equals(client.clientId())) {
                return Future.failedFuture(
                        new Grants.InvalidGrant("the authorization code was issued to another client"));
            }
            String redirectUri = form.get("redirect_uri");
            if (redirectUri != null && !redirectUri.equals(record.redirectUri())) {
                return Future.failedFuture(
                        new Grants.InvalidGrant("redirect_uri does not match the authorization request"));
            }
            // The verifier's form was checked above, so Nimbus's CodeVerifier does not throw here.
            String challenge = CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier))
                    .getValue();
            if (!Secrets.equal(challenge, record.codeChallenge())) {
                return Future.failedFuture(new Grants.InvalidGrant("code_verifier does not match the code_challenge"));
            }
            Grants.Grant narrowed;
            try {
                narrowed = narrow(grant, form.getAll("resource"));
            } catch (InvalidRequest e) {
                return Future.failedFuture(e);
            }
            return grants.startFamily(code, narrowed);
        });
    }

    private Future<Grants.TokenPair> refresh(MultiMap form, RegisteredClient client) {
        String refreshToken = form.get("refresh_token");
        if (refreshToken == null) {
            return Future.failedFuture(new InvalidRequest("invalid_request", "refresh_token is required"));
        }
        return grants.rotate(refreshToken, client.clientId());
    }

    /**
     * RFC 8707 §2.2: a token request may name fewer resources than were granted, never others. The
     * family keeps the full grant; this pair carries the narrowed audience.
     */
    private static Grants.Grant narrow(Grants.Grant grant, List<String> resources) throws InvalidRequest {
        if (resources.isEmpty()) {
            return grant;
        }
        List<String> audience = new ArrayList<>();
        for (String resource : resources) {
            String canonical = Resources.canonical(resource).orElse(null);
            if (canonical == null || !grant.audience().contains(canonical)) {
                throw new InvalidRequest(
                        "invalid_target", "resource " + resource + " was not part of the authorization");
            }
            audience.add(canonical);
        }
        return new Grants.Grant(grant.clientId(), grant.identity(), audience, grant.scope());
    }

    /** {@code POST /revoke}: refresh tokens revoke their family; access tokens are refused until they expire. */
    public void revoke(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        String token = form.get("token");
        authenticate(credentials(ctx, form))
                .compose(client -> token == null || token.isBlank()
                        ? Future.failedFuture(new InvalidRequest("invalid_request", "token is required"))
                        : revokeToken(token, client))
                .onSuccess(v -> ctx.response()
                        .setStatusCode(200)
                        .putHeader("Cache-Control", "no-store")
                        .end())
                .onFailure(e -> {
                    if (e instanceof InvalidRequest invalid) {
                        OAuthReplies.error(ctx.response(), invalid.status(), invalid.error, invalid.getMessage());
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private Future<Void> revokeToken(String token, RegisteredClient client) {
        return grants.refreshRecord(token).compose(record -> {
            if (record != null) {
                // RFC 7009 §2.1: a token of another client is not revoked, and the answer does not say so.
                if (!client.clientId().equals(record.getString("client_id"))) {
                    return Future.succeededFuture();
                }
                Audit.tokenRevoked(record.getString("email"), client.clientId(), "refresh_token");
                return grants.revokeFamily(record.getString("family"));
            }
            try {
                AccessTokens.Claims claims = accessTokens.verifySignedClaims(token, false);
                if (!client.clientId().equals(claims.clientId())) {
                    return Future.succeededFuture();
                }
                Audit.tokenRevoked(claims.email(), client.clientId(), "access_token");
                return accessTokens.revoke(claims.jti(), claims.expiresAt());
            } catch (AccessTokens.InvalidToken e) {
                // RFC 7009 §2.2: an unknown or invalid token is answered 200 all the same.
                return Future.succeededFuture();
            }
        });
    }

    /** The client's claimed id and secret, from HTTP Basic or the form. */
    private record Credentials(String clientId, String secret, boolean basic) {}

    private static Credentials credentials(RoutingContext ctx, MultiMap form) {
        String[] basic = basicCredentials(ctx.request().getHeader("Authorization"));
        return basic != null
                ? new Credentials(basic[0], basic[1], true)
                : new Credentials(form.get("client_id"), form.get("client_secret"), false);
    }

    /** The authenticated client, or an {@code invalid_client} failure. */
    private Future<RegisteredClient> authenticate(Credentials credentials) {
        String secret = credentials.secret();
        return clients.find(credentials.clientId())
                .recover(e -> Future.failedFuture(
                        e instanceof Clients.UnknownClient ? new InvalidRequest("invalid_client", e.getMessage()) : e))
                .compose(client -> {
                    boolean ok;
                    if (client.isPublic()) {
                        ok = secret == null || secret.isEmpty();
                    } else {
                        boolean methodMatches = client.tokenEndpointAuthMethod()
                                .equals(credentials.basic() ? "client_secret_basic" : "client_secret_post");
                        ok = methodMatches
                                && secret != null
                                && Secrets.equal(Secrets.hash(secret), client.clientSecretHash());
                    }
                    return ok
                            ? Future.succeededFuture(client)
                            : Future.failedFuture(new InvalidRequest("invalid_client", "client authentication failed"));
                });
    }

    /** RFC 6749 §2.3.1: Basic with form-urlencoded id and secret; null when absent or malformed. */
    private static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
            };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A token or revocation request refused before any grant was looked at: {@code error} is the RFC 6749 code. */
    static final class InvalidRequest extends Exception {
        final String error;

        InvalidRequest(String error, String description) {
            super(description, null, false, false);
            this.error = error;
        }

        /** RFC 6749 §5.2: a client that failed to authenticate gets 401, everything else 400. */
        int status() {
            return "invalid_client".equals(error) ? 401 : 400;
        }
    }
}
