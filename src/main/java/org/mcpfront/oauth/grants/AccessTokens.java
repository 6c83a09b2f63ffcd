package org.mcpfront.oauth.grants;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.oauth.SigningKeys;
import org.mcpfront.storage.Store;

/**
 * Our access tokens: JWTs in the RFC 9068 profile ({@code typ: at+jwt}; {@code iss}, {@code sub} = the
 * Google subject, {@code aud} = the resource URLs, {@code exp}, {@code iat}, {@code jti},
 * {@code client_id}, {@code scope}, plus {@code email} and {@code groups}, the user's memberships when there
 * are any) signed with {@link SigningKeys}. The edge
 * checks them locally; the only store read is the revocation list.
 */
public final class AccessTokens {

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    /** Clock skew tolerated between instances for {@code iat}; {@code exp} is checked as is. */
    private static final Duration SKEW = Duration.ofSeconds(30);

    private static final String REVOKED = "revoked-token:";
    /** Tokens whose signature and claims were checked, kept so a client's next request skips the RSA/EC check. */
    static final int VERIFIED_CACHE_SIZE = 4096;

    /**
     * What a valid token says; {@code groups} is its {@code groups} claim (the user's memberships: identity-provider
     * and Workspace groups, {@code iam:<role>}), empty when absent.
     */
    public record Claims(
            String subject,
            String email,
            List<String> audience,
            String clientId,
            String scope,
            String jti,
            Instant expiresAt,
            Set<String> groups) {
        public Claims {
            groups = groups == null ? Set.of() : Set.copyOf(groups);
        }
    }

    /** A token that does not check out; the message is safe to send back in {@code error_description}. */
    public static final class InvalidToken extends Exception {
        public InvalidToken(String message) {
            super(message, null, false, false);
        }
    }

    /** A freshly signed token. */
    public record Issued(String token, String jti, Instant expiresAt) {}

    private final SigningKeys keys;
    private final String issuer;
    private final Duration ttl;
    private final Store store;
    private final Clock clock;
    /**
     * Token text → its claims, for tokens that passed {@link #verifySignedClaims}. A hit needs the exact
     * same text, so nothing unverified gets in; expiry is checked again on every hit and revocation
     * is never cached. Bounded: when full it starts over, which costs one signature check per client.
     */
    private final ConcurrentHashMap<String, Claims> verified = new ConcurrentHashMap<>();

    public AccessTokens(SigningKeys keys, String issuer, Duration ttl, Store store, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.ttl = ttl;
        this.store = store;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /** The issuer, in canonical form, that these tokens carry and that {@link #verify} expects. */
    public String issuer() {
        return issuer;
    }

    /** Signs a token for {@code subject} with {@code audience} and no memberships. */
    public Issued issue(String subject, String email, List<String> audience, String clientId, String scope) {
        return issue(subject, email, audience, clientId, scope, List.of());
    }

    /** Signs a token for {@code subject} with {@code audience}; {@code groups} are the user's memberships. */
    public Issued issue(
            String subject, String email, List<String> audience, String clientId, String scope, List<String> groups) {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        String jti = Secrets.random();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(jti)
                .claim("client_id", clientId)
                .claim("scope", scope)
                .claim("email", email)
                .claim("groups", groups.isEmpty() ? null : groups)
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(keys.algorithm())
                        .type(AT_JWT)
                        .keyID(keys.keyId())
                        .build(),
                claims);
        try {
            jwt.sign(keys.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an access token failed: " + e.getMessage(), e);
        }
        return new Issued(jwt.serialize(), jti, expires);
    }

    /** Checks signature, type, issuer and lifetime (once per token text), then the revocation list. */
    public Future<Claims> verify(String token) {
        Claims claims = verified.get(token);
        if (claims == null || !clock.instant().isBefore(claims.expiresAt())) {
            try {
                claims = verifySignedClaims(token, true);
            } catch (InvalidToken e) {
                verified.remove(token);
                return Future.failedFuture(e);
            }
            if (verified.size() >= VERIFIED_CACHE_SIZE) {
                verified.clear();
            }
            verified.put(token, claims);
        }
        Claims checked = claims;
        return store.get(REVOKED + checked.jti())
                .compose(revoked -> revoked == null
                        ? Future.succeededFuture(checked)
                        : Future.failedFuture(new InvalidToken("the access token was revoked")));
    }

    /**
     * Like {@link #verify}, but when the revocation list is out of reach (the store does not answer) it
     * trusts signature and lifetime alone: for readers of operational data, who need it most while the
     * store is down. A token found revoked is still refused.
     */
    public Future<Claims> verifyEvenWithoutStore(String token) {
        return verify(token).recover(e -> {
            if (e instanceof InvalidToken) {
                return Future.failedFuture(e);
            }
            try {
                return Future.succeededFuture(verifySignedClaims(token, true));
            } catch (InvalidToken invalid) {
                return Future.failedFuture(invalid);
            }
        });
    }

    /**
     * The claims of a token we signed, without the revocation list; {@code checkExpiry} false lets
     * {@code /revoke} recognise an expired token of ours.
     */
    Claims verifySignedClaims(String token, boolean checkExpiry) throws InvalidToken {
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(token);
            set = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidToken("the access token is not a JWT");
        }
        JWSHeader header = jwt.getHeader();
        if (!keys.algorithm().equals(header.getAlgorithm()) || !AT_JWT.equals(header.getType())) {
            throw new InvalidToken("the access token was not issued by this server");
        }
        try {
            if (!jwt.verify(keys.verifier())) {
                throw new InvalidToken("the access token's signature is not valid");
            }
        } catch (JOSEException e) {
            throw new InvalidToken("the access token's signature is not valid");
        }
        if (!issuer.equals(set.getIssuer())) {
            throw new InvalidToken("the access token was issued by " + set.getIssuer() + ", not " + issuer);
        }
        Instant now = clock.instant();
        Date exp = set.getExpirationTime();
        Date iat = set.getIssueTime();
        if (exp == null || iat == null || set.getJWTID() == null || set.getSubject() == null) {
            throw new InvalidToken("the access token lacks exp, iat, jti or sub");
        }
        if (checkExpiry && !now.isBefore(exp.toInstant())) {
            throw new InvalidToken("the access token has expired");
        }
        if (iat.toInstant().isAfter(now.plus(SKEW))) {
            throw new InvalidToken("the access token was issued in the future");
        }
        try {
            List<String> groups = set.getStringListClaim("groups");
            return new Claims(
                    set.getSubject(),
                    set.getStringClaim("email"),
                    set.getAudience(),
                    set.getStringClaim("client_id"),
                    set.getStringClaim("scope"),
                    set.getJWTID(),
                    exp.toInstant(),
                    groups == null ? Set.of() : Set.copyOf(groups));
        } catch (ParseException e) {
            throw new InvalidToken("the access token has malformed claims");
        }
    }

    /** Refuses the token with {@code jti} until it would have expired anyway. */
    public Future<Void> revoke(String jti, Instant expiresAt) {
        Duration left = Duration.between(clock.instant(), expiresAt);
        if (left.isNegative() || left.isZero()) {
            return Future.succeededFuture();
        }
        return store.put(
                REVOKED + jti,
                new JsonObject().put("revoked_at", clock.instant().toString()),
                left.plusSeconds(1));
    }
}
