package org.mcpfront.oauth.grants;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.identity.Identity;
import org.mcpfront.identity.Memberships;
import org.mcpfront.observability.Audit;
import org.mcpfront.storage.Store;

/**
 * What a user granted a client, and the credentials that carry it: single-use authorization codes and
 * rotating refresh tokens, grouped in a family per authorization. Everything lives in the {@link Store}
 * under hashes of the credentials. Reuse is theft until proven otherwise: a code redeemed twice, or a
 * refresh token used after it was rotated, revokes the whole family, access tokens included. The one
 * exception is a lost response: the token rotated last may be presented again by the same client for
 * {@code refreshGrace}, and gets the very pair it was rotated into (see {@link #rotate}).
 */
public final class Grants {

    static final Duration CODE_TTL = Duration.ofMinutes(5);
    /** How long a redeemed code is remembered, to catch a replay. */
    private static final Duration USED_CODE_TTL = Duration.ofHours(1);

    private static final String CODE = "code:";
    private static final String USED_CODE = "code-used:";
    private static final String REFRESH = "refresh:";
    private static final String USED_REFRESH = "refresh-used:";
    private static final String FAMILY = "family:";
    /** A rotation under way or just done, under the hash of the token it spent: what a retry of that token gets. */
    private static final String RETRY = "refresh-retry:";
    /** What seals a retry's pair; with the spent token's hash, so that a box opens only under its own key. */
    private static final String RETRY_SEAL = "mcp-front refresh retry v1 ";
    /** A retry that arrives while the rotation it repeats is under way polls this often, and at most this long. */
    private static final long RETRY_POLL_MS = 20;

    private static final Duration RETRY_WAIT = Duration.ofSeconds(5);

    private final Function<String, Future<Void>> onRevoked;

    /** The grant behind a code or refresh token. */
    record Grant(String clientId, Identity identity, List<String> audience, String scope) {

        JsonObject toJson() {
            return new JsonObject()
                    .put("client_id", clientId)
                    .put("sub", identity.subject())
                    .put("email", identity.email())
                    .put("hd", identity.hostedDomain())
                    .put("name", identity.name())
                    .put("provider_groups", new JsonArray(identity.groups()))
                    .put("aud", new JsonArray(audience))
                    .put("scope", scope);
        }

        static Grant fromJson(JsonObject json) {
            return new Grant(
                    json.getString("client_id"),
                    new Identity(
                            json.getString("sub"),
                            json.getString("email"),
                            true,
                            json.getString("hd"),
                            json.getString("name"),
                            json.getJsonArray("provider_groups", new JsonArray()).stream()
                                    .map(String::valueOf)
                                    .toList()),
                    json.getJsonArray("aud").stream().map(String::valueOf).toList(),
                    json.getString("scope"));
        }
    }

    /** An authorization code's record: the grant plus what the token request must match. */
    record CodeRecord(Grant grant, String redirectUri, String codeChallenge) {}

    /** Tokens handed out by one token response, and the family they belong to. */
    record TokenPair(AccessTokens.Issued access, String refreshToken, Grant grant, String family) {}

    /** A credential that could not be redeemed; {@code description} goes into the RFC 6749 error. */
    static final class InvalidGrant extends Exception {
        InvalidGrant(String description) {
            super(description, null, false, false);
        }
    }

    private final Vertx vertx;
    private final Store store;
    private final AccessTokens accessTokens;
    private final Duration refreshTtl;
    private final Duration refreshGrace;
    private final Memberships memberships;

    /** {@code refreshGrace} zero: no retry is forgiven. */
    public Grants(Vertx vertx, Store store, AccessTokens accessTokens, Duration refreshTtl, Duration refreshGrace) {
        this(vertx, store, accessTokens, refreshTtl, refreshGrace, Memberships.providerOnly());
    }

    /** @param memberships what the access tokens' {@code groups} claim is looked up with, at every issue */
    public Grants(
            Vertx vertx,
            Store store,
            AccessTokens accessTokens,
            Duration refreshTtl,
            Duration refreshGrace,
            Memberships memberships) {
        this(vertx, store, accessTokens, refreshTtl, refreshGrace, memberships, subject -> Future.succeededFuture());
    }

    /** @param onRevoked told the subject of every grant revoked (its family), e.g. to drop what hangs on it */
    public Grants(
            Vertx vertx,
            Store store,
            AccessTokens accessTokens,
            Duration refreshTtl,
            Duration refreshGrace,
            Memberships memberships,
            Function<String, Future<Void>> onRevoked) {
        this.onRevoked = onRevoked;
        this.memberships = memberships;
        this.vertx = vertx;
        this.store = store;
        this.accessTokens = accessTokens;
        this.refreshTtl = refreshTtl;
        this.refreshGrace = refreshGrace;
    }

    /** Issues a code for an approved authorization. */
    Future<String> issueCode(Grant grant, String redirectUri, String codeChallenge) {
        String code = Secrets.random();
        JsonObject record = grant.toJson().put("redirect_uri", redirectUri).put("code_challenge", codeChallenge);
        return store.put(CODE + Secrets.hash(code), record, CODE_TTL).map(v -> code);
    }

    /**
     * Redeems a code once. A second redemption finds it gone and, through the used-code marker,
     * revokes what the first one issued.
     */
    Future<CodeRecord> redeemCode(String code) {
        String hash = Secrets.hash(code);
        return store.take(CODE + hash).compose(record -> {
            if (record != null) {
                return Future.succeededFuture(new CodeRecord(
                        Grant.fromJson(record), record.getString("redirect_uri"), record.getString("code_challenge")));
            }
            return store.take(USED_CODE + hash).compose(used -> {
                if (used == null) {
                    return Future.failedFuture(new InvalidGrant("the authorization code is unknown or expired"));
                }
                Audit.codeReplayDetected(used.getString("email"), used.getString("client_id"));
                return revokeFamily(used.getString("family"))
                        .compose(v -> Future.failedFuture(new InvalidGrant(
                                "the authorization code was already used; " + "the tokens it issued are revoked")));
            });
        });
    }

    /** Starts a token family for a redeemed code and issues its first pair. */
    Future<TokenPair> startFamily(String code, Grant grant) {
        String family = Secrets.random();
        return store.put(USED_CODE + Secrets.hash(code), usedMarker(family, grant), USED_CODE_TTL)
                .compose(v -> issuePair(family, grant, new JsonArray()));
    }

    /**
     * Rotates a refresh token: the presented one is spent and a new pair issued. A spent token presented
     * again revokes the family, unless it is a retry: the same client, within {@code refreshGrace} of the
     * rotation, while the pair it was rotated into is still the family's newest. A retry gets that same
     * pair, so the family never forks.
     *
     * <p>Every instance sees the same: the first request for a token claims its retry record with
     * {@code putIfAbsent} before it rotates (the {@code take} in {@link #rotateOnce} still makes the
     * rotation single use), and then fills the record with the pair, sealed under a key derived from the
     * spent token ({@link Secrets#seal}): the store holds no usable token, and only a holder of the spent
     * one can open the box. The record lives for {@code refreshGrace} by the store's clock; after that a
     * retry is reuse. A retry that finds the rotation still under way waits for it.
     */
    Future<TokenPair> rotate(String refreshToken, String clientId) {
        if (refreshGrace.isZero()) {
            return rotateOnce(refreshToken, clientId);
        }
        String hash = Secrets.hash(refreshToken);
        return store.putIfAbsent(RETRY + hash, new JsonObject().put("state", "rotating"), refreshGrace)
                .compose(claimed -> {
                    if (!claimed) {
                        return retry(refreshToken, hash, clientId, System.nanoTime() + RETRY_WAIT.toNanos());
                    }
                    return rotateOnce(refreshToken, clientId)
                            .compose(
                                    pair -> store.put(RETRY + hash, retryRecord(refreshToken, hash, pair), refreshGrace)
                                            .map(pair))
                            .recover(e -> store.delete(RETRY + hash).compose(v -> Future.failedFuture(e)));
                });
    }

    /** What a retry of the spent token gets: the pair sealed under that token, and what to check before opening it. */
    private static JsonObject retryRecord(String spentToken, String spentHash, TokenPair pair) {
        JsonObject sealed = new JsonObject()
                .put("access_token", pair.access().token())
                .put("jti", pair.access().jti())
                .put("exp", pair.access().expiresAt().toString())
                .put("refresh_token", pair.refreshToken());
        return new JsonObject()
                .put("state", "rotated")
                .put("family", pair.family())
                .put("client_id", pair.grant().clientId())
                .put("email", pair.grant().identity().email())
                .put("successor", Secrets.hash(pair.refreshToken()))
                .put("grant", pair.grant().toJson())
                .put("pair", Secrets.seal(spentToken, RETRY_SEAL + spentHash, sealed.encode()));
    }

    private Future<TokenPair> retry(String refreshToken, String hash, String clientId, long deadline) {
        return store.get(RETRY + hash).compose(record -> {
            if (record == null) {
                // The rotation failed or the window closed: judged like any other spent token.
                return rotateOnce(refreshToken, clientId);
            }
            if ("rotating".equals(record.getString("state"))) {
                if (System.nanoTime() - deadline > 0) {
                    return Future.failedFuture(new IllegalStateException(
                            "a refresh with the same token has not finished within " + RETRY_WAIT.toSeconds() + " s"));
                }
                return vertx.timer(RETRY_POLL_MS).compose(v -> retry(refreshToken, hash, clientId, deadline));
            }
            return replay(refreshToken, hash, clientId, record);
        });
    }

    /** Hands a retry the pair its token was rotated into, if it still is the family's newest. */
    private Future<TokenPair> replay(String refreshToken, String hash, String clientId, JsonObject record) {
        String family = record.getString("family");
        if (!record.getString("client_id").equals(clientId)) {
            return revokeFamily(family)
                    .compose(v ->
                            Future.failedFuture(new InvalidGrant("the refresh token was issued to another client")));
        }
        return store.get(FAMILY + family).compose(familyRecord -> {
            if (familyRecord == null || familyRecord.getBoolean("revoked", false)) {
                return Future.failedFuture(new InvalidGrant("the refresh token was revoked"));
            }
            if (!record.getString("successor").equals(familyRecord.getString("current"))) {
                // The pair it was rotated into has been refreshed since: an old token, not a lost response.
                Audit.refreshReuseDetected(record.getString("email"), clientId);
                return revokeFamily(family)
                        .compose(v -> Future.failedFuture(new InvalidGrant(
                                "the refresh token was already used; all tokens of this grant are revoked")));
            }
            JsonObject sealed = Secrets.open(refreshToken, RETRY_SEAL + hash, record.getString("pair"))
                    .map(JsonObject::new)
                    .orElse(null);
            if (sealed == null) {
                return Future.failedFuture(new IllegalStateException(
                        "the retry record of a refresh token does not open: " + "it was altered in the store"));
            }
            AccessTokens.Issued access = new AccessTokens.Issued(
                    sealed.getString("access_token"), sealed.getString("jti"), Instant.parse(sealed.getString("exp")));
            return Future.succeededFuture(new TokenPair(
                    access, sealed.getString("refresh_token"), Grant.fromJson(record.getJsonObject("grant")), family));
        });
    }

    /** Rotates without regard to retries: the presented token is spent, and a spent one revokes its family. */
    private Future<TokenPair> rotateOnce(String refreshToken, String clientId) {
        String hash = Secrets.hash(refreshToken);
        return store.take(REFRESH + hash).compose(record -> {
            if (record == null) {
                return store.get(USED_REFRESH + hash).compose(used -> {
                    if (used == null) {
                        return Future.failedFuture(
                                new InvalidGrant("the refresh token is unknown, expired or revoked"));
                    }
                    Audit.refreshReuseDetected(used.getString("email"), used.getString("client_id"));
                    return revokeFamily(used.getString("family"))
                            .compose(v -> Future.failedFuture(new InvalidGrant(
                                    "the refresh token was already used; all tokens of this grant are revoked")));
                });
            }
            String family = record.getString("family");
            Grant grant = Grant.fromJson(record);
            Future<Void> spent = store.put(USED_REFRESH + hash, usedMarker(family, grant), refreshTtl);
            if (!grant.clientId().equals(clientId)) {
                // Another client holds this client's refresh token: treat it as stolen.
                return spent.compose(v -> revokeFamily(family))
                        .compose(v -> Future.failedFuture(
                                new InvalidGrant("the refresh token was issued to another client")));
            }
            return spent.compose(v -> store.get(FAMILY + family)).compose(familyRecord -> {
                if (familyRecord == null
                        || familyRecord.getBoolean("revoked", false)
                        || !hash.equals(familyRecord.getString("current"))) {
                    return Future.failedFuture(new InvalidGrant("the refresh token was revoked"));
                }
                return issuePair(family, grant, familyRecord.getJsonArray("access", new JsonArray()));
            });
        });
    }

    /** What a spent code or refresh token leaves behind: enough to revoke its family and say whose it was. */
    private static JsonObject usedMarker(String family, Grant grant) {
        return new JsonObject()
                .put("family", family)
                .put("client_id", grant.clientId())
                .put("email", grant.identity().email());
    }

    /** The grant behind a live refresh token, for revocation; null when unknown. */
    Future<JsonObject> refreshRecord(String refreshToken) {
        return store.get(REFRESH + Secrets.hash(refreshToken));
    }

    /** Revokes every token of the family: the current refresh token and each access token still alive. */
    Future<Void> revokeFamily(String family) {
        if (family == null) {
            return Future.succeededFuture();
        }
        return store.get(FAMILY + family).compose(record -> {
            if (record == null) {
                return Future.succeededFuture();
            }
            Future<Void> chain = store.delete(REFRESH + record.getString("current"));
            for (Object entry : record.getJsonArray("access", new JsonArray())) {
                JsonObject access = (JsonObject) entry;
                chain = chain.compose(
                        v -> accessTokens.revoke(access.getString("jti"), Instant.parse(access.getString("exp"))));
            }
            String subject = record.getString("sub");
            return chain.compose(v -> store.put(FAMILY + family, record.put("revoked", true), refreshTtl))
                    .compose(v -> subject == null ? Future.succeededFuture() : onRevoked.apply(subject));
        });
    }

    private Future<TokenPair> issuePair(String family, Grant grant, JsonArray previousAccess) {
        // An RS256 signature costs about a millisecond of CPU: off the event loop, MCP requests
        // sharing it do not wait behind a burst of refreshes.
        // Memberships are looked up again for every pair: a refresh picks up a lookup whose cache has expired.
        return memberships
                .of(grant.identity().email(), grant.identity().groups())
                .compose(found -> vertx.executeBlocking(
                        () -> accessTokens.issue(
                                grant.identity().subject(),
                                grant.identity().email(),
                                grant.audience(),
                                grant.clientId(),
                                grant.scope(),
                                found.sorted()),
                        false))
                .compose(access -> storePair(family, grant, previousAccess, access));
    }

    private Future<TokenPair> storePair(
            String family, Grant grant, JsonArray previousAccess, AccessTokens.Issued access) {
        String refresh = Secrets.random();
        String refreshHash = Secrets.hash(refresh);
        // Only access tokens that can still be used need revoking later; drop the expired ones.
        Instant now = Instant.now();
        JsonArray live = new JsonArray();
        for (Object entry : previousAccess) {
            JsonObject item = (JsonObject) entry;
            if (Instant.parse(item.getString("exp")).isAfter(now)) {
                live.add(item);
            }
        }
        live.add(new JsonObject()
                .put("jti", access.jti())
                .put("exp", access.expiresAt().toString()));
        JsonObject familyRecord = new JsonObject()
                .put("current", refreshHash)
                .put("client_id", grant.clientId())
                .put("sub", grant.identity().subject())
                .put("access", live);
        return store.put(FAMILY + family, familyRecord, refreshTtl)
                .compose(v -> store.put(REFRESH + refreshHash, grant.toJson().put("family", family), refreshTtl))
                .map(v -> new TokenPair(access, refresh, grant, family));
    }
}
