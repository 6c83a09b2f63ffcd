package org.mcpfront.identity.backend;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.mcpfront.bus.SessionOwner;

/**
 * Short-lived JWTs in which mcp-front vouches to one backend for the user behind a request: {@code iss} our issuer,
 * {@code aud} the backend URL, {@code sub}, {@code email}, {@code groups}, {@code route}, {@code client_id},
 * {@code jti}, {@code iat}, {@code exp}; header {@code typ: mcp-front-identity+jwt} and our assertion key's id. One is
 * reused for the same user, client and route until {@link #REUSE_MARGIN} before it expires, so the request path
 * signs about once per user and route every few minutes.
 */
public final class IdentityAssertions {

    /** How long an assertion is valid. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /** An assertion is not handed out when less than this is left of it. */
    static final Duration REUSE_MARGIN = Duration.ofSeconds(60);

    public static final JOSEObjectType TYPE = new JOSEObjectType("mcp-front-identity+jwt");
    /** Assertions kept at once; more starts the cache over. */
    static final int MAX_CACHED = 10_000;

    private final AssertionKey key;
    private final String issuer;
    private final Clock clock;
    private final ConcurrentHashMap<String, Minted> cache = new ConcurrentHashMap<>();

    private record Minted(String jwt, Instant reuseUntil) {}

    public IdentityAssertions(AssertionKey key, String issuer, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.clock = clock;
    }

    String issuer() {
        return issuer;
    }

    /** An assertion about {@code caller} for the backend at {@code audience} of {@code route}. */
    public String assertion(SessionOwner caller, String route, String audience) {
        String cacheKey = caller.subject()
                + '\n'
                + caller.clientId()
                + '\n'
                + route
                + '\n'
                + audience
                + '\n'
                + String.join(",", caller.groups());
        Instant now = clock.instant();
        Minted minted = cache.get(cacheKey);
        if (minted != null && now.isBefore(minted.reuseUntil())) {
            return minted.jwt();
        }
        Minted fresh = mint(caller, route, audience, now);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(cacheKey, fresh);
        return fresh.jwt();
    }

    private Minted mint(SessionOwner caller, String route, String audience, Instant now) {
        Instant expires = now.plus(LIFETIME);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(caller.subject())
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .claim("email", caller.email())
                .claim("groups", caller.email() == null ? null : caller.groups())
                .claim("route", route)
                .claim("client_id", caller.clientId())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(TYPE)
                        .keyID(key.keyId())
                        .build(),
                claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an identity assertion failed: " + e.getMessage(), e);
        }
        return new Minted(jwt.serialize(), expires.minus(REUSE_MARGIN));
    }
}
