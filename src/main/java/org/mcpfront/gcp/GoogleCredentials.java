package org.mcpfront.gcp;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mcp-front's own Google credentials: the GCE metadata server (Cloud Run, GKE, Compute Engine) or a service-account
 * key file (application default credentials). Hands out access tokens (for Google APIs) and Google-signed ID tokens
 * (for private backends), each cached and fetched again before it expires: when less than a quarter of its lifetime,
 * at most {@link #MAX_REFRESH_MARGIN}, is left. Concurrent callers share one fetch.
 */
public final class GoogleCredentials {

    private static final Logger log = LoggerFactory.getLogger(GoogleCredentials.class);
    static final Duration MAX_REFRESH_MARGIN = Duration.ofMinutes(5);
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final String SERVICE_ACCOUNT_PATH = "/computeMetadata/v1/instance/service-accounts/default/";
    private static final int TIMEOUT_MS = 10_000;

    private final WebClient web;
    private final ServiceAccountKey key;
    private final String metadataUrl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Future<Token>> cache = new ConcurrentHashMap<>();

    /** A credential and when it stops being fetched again. */
    private record Token(String value, Instant expiresAt, Instant refreshAt) {}

    /**
     * @param key         the service-account key, or null to ask the metadata server
     * @param metadataUrl the metadata server's base URL (without a trailing slash)
     */
    public GoogleCredentials(Vertx vertx, ServiceAccountKey key, String metadataUrl, Clock clock) {
        this.web = WebClient.create(
                vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS).setFollowRedirects(false));
        this.key = key;
        this.metadataUrl = metadataUrl.endsWith("/") ? metadataUrl.substring(0, metadataUrl.length() - 1) : metadataUrl;
        this.clock = clock;
    }

    /** For logs and error pages: where the credentials come from. */
    public String source() {
        return key != null ? "the service account " + key.clientEmail() : "the metadata server at " + metadataUrl;
    }

    /** An access token of mcp-front's own service account for {@code scopes} (space-separated). */
    public Future<String> accessToken(String scopes) {
        return cached(
                "access " + scopes, () -> key != null ? keyAccessToken(scopes, null) : metadataAccessToken(scopes));
    }

    /**
     * An access token that acts as {@code subject} (Google Workspace domain-wide delegation). Only a service-account
     * key can sign the assertion this needs.
     */
    public Future<String> delegatedAccessToken(String scopes, String subject) {
        if (key == null) {
            return Future.failedFuture(new IllegalStateException("domain-wide delegation needs a service-account key "
                    + "file; the metadata server cannot act as " + subject));
        }
        return cached("delegated " + subject + " " + scopes, () -> keyAccessToken(scopes, subject));
    }

    /** A Google-signed ID token whose {@code aud} is {@code audience}. */
    public Future<String> idToken(String audience) {
        return cached("id " + audience, () -> key != null ? keyIdToken(audience) : metadataIdToken(audience));
    }

    private Future<String> cached(String cacheKey, Supplier<Future<Token>> fetch) {
        while (true) {
            Future<Token> current = cache.get(cacheKey);
            if (current != null
                    && !current.failed()
                    && (!current.isComplete()
                            || clock.instant().isBefore(current.result().refreshAt()))) {
                return current.map(Token::value);
            }
            // Claim the fetch before starting it, so that concurrent callers share one.
            Promise<Token> promise = Promise.promise();
            Future<Token> next = promise.future();
            boolean claimed = current == null
                    ? cache.putIfAbsent(cacheKey, next) == null
                    : cache.replace(cacheKey, current, next);
            if (claimed) {
                fetch.get().onComplete(promise);
                next.onFailure(e -> log.atWarn()
                        .addKeyValue("credentials", source())
                        .addKeyValue("reason", e.getMessage())
                        .log("fetching a Google credential failed"));
                return next.map(Token::value);
            }
        }
    }

    private Token token(String value, Instant expiresAt) {
        Instant now = clock.instant();
        Duration lifetime = Duration.between(now, expiresAt);
        Duration margin = lifetime.dividedBy(4);
        if (margin.compareTo(MAX_REFRESH_MARGIN) > 0) {
            margin = MAX_REFRESH_MARGIN;
        }
        return new Token(value, expiresAt, expiresAt.minus(margin));
    }

    private Future<Token> metadataAccessToken(String scopes) {
        String url = metadataUrl + SERVICE_ACCOUNT_PATH + "token?scopes=" + encode(scopes.replace(' ', ','));
        return metadata(url)
                .compose(body -> json(body, "the metadata server's token answer"))
                .compose(json -> {
                    String token = json.getString("access_token");
                    if (token == null) {
                        return Future.failedFuture("the metadata server's token answer holds no access_token");
                    }
                    return Future.succeededFuture(
                            token(token, clock.instant().plusSeconds(json.getLong("expires_in", 300L))));
                });
    }

    private Future<Token> metadataIdToken(String audience) {
        String url = metadataUrl + SERVICE_ACCOUNT_PATH + "identity?audience=" + encode(audience) + "&format=full";
        return metadata(url).compose(body -> idToken(body.toString().strip(), "the metadata server"));
    }

    private Future<Buffer> metadata(String url) {
        return web.getAbs(url)
                .putHeader("Metadata-Flavor", "Google")
                .timeout(TIMEOUT_MS)
                .send()
                .recover(e -> Future.failedFuture("the metadata server at " + metadataUrl + " cannot be reached ("
                        + e.getMessage() + "); outside Google Cloud, configure a service-account key file"))
                .compose(response -> ok(response, "the metadata server"));
    }

    private Future<Token> keyAccessToken(String scopes, String subject) {
        return exchange(key.accessTokenAssertion(scopes, subject, clock.instant()))
                .compose(json -> {
                    String token = json.getString("access_token");
                    if (token == null) {
                        return Future.failedFuture("Google's token endpoint answered without an access_token");
                    }
                    return Future.succeededFuture(
                            token(token, clock.instant().plusSeconds(json.getLong("expires_in", 300L))));
                });
    }

    private Future<Token> keyIdToken(String audience) {
        return exchange(key.idTokenAssertion(audience, clock.instant())).compose(json -> {
            String token = json.getString("id_token");
            if (token == null) {
                return Future.failedFuture("Google's token endpoint answered without an id_token");
            }
            return idToken(token, "Google's token endpoint");
        });
    }

    private Future<JsonObject> exchange(String assertion) {
        MultiMap form =
                MultiMap.caseInsensitiveMultiMap().add("grant_type", JWT_BEARER).add("assertion", assertion);
        return web.postAbs(key.tokenUri())
                .timeout(TIMEOUT_MS)
                .sendForm(form)
                .recover(e -> Future.failedFuture(
                        "Google's token endpoint " + key.tokenUri() + " cannot be reached (" + e.getMessage() + ")"))
                .compose(response -> ok(response, "Google's token endpoint for " + key.clientEmail()))
                .compose(body -> json(body, "Google's token answer"));
    }

    /** An ID token and its expiry, read from its {@code exp} (the issuer is trusted: we asked it over TLS). */
    private Future<Token> idToken(String jwt, String from) {
        String[] parts = jwt.split("\\.");
        try {
            JsonObject claims =
                    new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            long exp = claims.getLong("exp");
            return Future.succeededFuture(token(jwt, Instant.ofEpochSecond(exp)));
        } catch (RuntimeException e) {
            return Future.failedFuture(from + " answered with something that is not an ID token");
        }
    }

    private static Future<Buffer> ok(HttpResponse<Buffer> response, String what) {
        if (response.statusCode() != 200) {
            String body = response.bodyAsString();
            String snippet = body == null ? "" : body.replaceAll("\\s+", " ");
            return Future.failedFuture(what + " answered HTTP " + response.statusCode()
                    + (snippet.isBlank()
                            ? ""
                            : ": " + (snippet.length() > 200 ? snippet.substring(0, 200) + "…" : snippet)));
        }
        return Future.succeededFuture(response.body() == null ? Buffer.buffer() : response.body());
    }

    private static Future<JsonObject> json(Buffer body, String what) {
        try {
            return Future.succeededFuture(new JsonObject(body));
        } catch (DecodeException e) {
            return Future.failedFuture(what + " is not JSON");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
