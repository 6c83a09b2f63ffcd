package org.mcpfront.oauth.clients;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client ID metadata documents (MCP authorization 2025-11-25, draft-ietf-oauth-client-id-metadata-document):
 * a {@code client_id} that is an https URL names a JSON document describing the client. Resolving one
 * checks the URL ({@link MetadataUrl}), answers from {@link MetadataDocumentCache} when it can, and otherwise
 * fetches ({@link MetadataDocumentFetcher}) and checks ({@link MetadataDocumentCheck}) the document.
 *
 * <p>One instance may be shared by several verticles: each caller's future completes on the caller's
 * context, and concurrent resolves of one URL share one fetch.
 */
public final class ClientMetadataDocuments {

    /**
     * What the fetcher may reach.
     *
     * @param allowLoopbackHttp let tests serve documents from http://127.0.0.1; no configuration enables it
     */
    public record Policy(boolean allowLoopbackHttp) {
        public static final Policy STRICT = new Policy(false);
    }

    private static final Logger log = LoggerFactory.getLogger(ClientMetadataDocuments.class);

    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final Policy policy;
    private final MetadataDocumentFetcher fetcher;
    private final MetadataDocumentCache cache = new MetadataDocumentCache();
    private final Map<String, Future<RegisteredClient>> inFlight = new ConcurrentHashMap<>();

    public ClientMetadataDocuments(Vertx vertx, Policy policy) {
        this(vertx, policy, FETCH_TIMEOUT);
    }

    /** Tests shorten the timeout so that a silent server costs milliseconds, not seconds. */
    ClientMetadataDocuments(Vertx vertx, Policy policy, Duration timeout) {
        this(vertx, policy, timeout, new HttpClientOptions());
    }

    /** Tests also add trust in their own certificate here. */
    ClientMetadataDocuments(Vertx vertx, Policy policy, Duration timeout, HttpClientOptions clientOptions) {
        this.vertx = vertx;
        this.policy = policy;
        this.fetcher = new MetadataDocumentFetcher(vertx, policy, timeout, clientOptions);
    }

    /** True when the client id should be resolved here rather than looked up among registered clients. */
    public static boolean isMetadataUrl(String clientId) {
        return clientId != null && clientId.regionMatches(true, 0, "https://", 0, "https://".length());
    }

    /**
     * True when this resolver, with its policy, takes {@code clientId}: an https URL, or with the
     * testing allowance also an http one (which {@link #resolve} then accepts on loopback only).
     */
    public boolean handles(String clientId) {
        return isMetadataUrl(clientId)
                || (policy.allowLoopbackHttp() && clientId != null && clientId.regionMatches(true, 0, "http://", 0, 7));
    }

    /**
     * The client that the document at {@code clientIdUrl} describes. Fails with a
     * {@link ClientMetadataException} whose message can be shown to the user.
     */
    public Future<RegisteredClient> resolve(String clientIdUrl) {
        MetadataUrl url;
        try {
            url = MetadataUrl.parse(clientIdUrl, policy);
        } catch (ClientMetadataException e) {
            refused(e);
            return Future.failedFuture(e);
        }
        RegisteredClient hit = cache.get(url.text());
        if (hit != null) {
            return Future.succeededFuture(hit);
        }
        Promise<RegisteredClient> fetch = Promise.promise();
        Future<RegisteredClient> shared = inFlight.putIfAbsent(url.text(), fetch.future());
        if (shared == null) {
            shared = fetch.future();
            fetchAndCheck(url).onComplete(done -> {
                inFlight.remove(url.text(), fetch.future());
                fetch.handle(done);
            });
        }
        Context caller = vertx.getOrCreateContext();
        Promise<RegisteredClient> result = Promise.promise();
        shared.onComplete(done -> caller.runOnContext(v -> result.handle(done)));
        return result.future();
    }

    public Future<Void> close() {
        return fetcher.close();
    }

    private static void refused(ClientMetadataException problem) {
        log.atInfo()
                .addKeyValue("client_id", problem.url())
                .addKeyValue("reason", problem.reason())
                .log("client metadata document refused");
    }

    private Future<RegisteredClient> fetchAndCheck(MetadataUrl url) {
        return fetcher.fetch(url)
                .compose(fetched -> {
                    RegisteredClient client;
                    try {
                        client = MetadataDocumentCheck.check(url.text(), fetched.body());
                    } catch (ClientMetadataException e) {
                        return Future.failedFuture(e);
                    }
                    cache.put(url.text(), client, fetched.headers(), Instant.now());
                    return Future.succeededFuture(client);
                })
                .recover(e -> {
                    ClientMetadataException problem = MetadataDocumentFetcher.asProblem(url, e);
                    refused(problem);
                    return Future.failedFuture(problem);
                });
    }
}
