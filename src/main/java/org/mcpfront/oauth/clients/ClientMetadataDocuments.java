package org.mcpfront.oauth.clients;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client ID metadata documents (MCP authorization 2025-11-25, draft-ietf-oauth-client-id-metadata-document):
 * a {@code client_id} that is an https URL names a JSON document describing the client. This class
 * fetches that document safely (no private addresses, no redirects, bounded size and time), checks it,
 * and caches the result as the response's cache headers allow.
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
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_CLIENT_NAME_LENGTH = 200;
    static final int CACHE_ENTRIES = 1_000;
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    static final Duration MAX_LIFETIME = Duration.ofHours(24);
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

    private final Vertx vertx;
    private final Policy policy;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<String, Future<RegisteredClient>> inFlight = new ConcurrentHashMap<>();
    /** Insertion order, so the eldest entry is the oldest fetch; guarded by itself. */
    private final Map<String, Cached> cache = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

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
        this.timeout = timeout;
        // No keep-alive: fetches are rare (cached), and a pooled connection would outlive the address check.
        this.http = vertx.createHttpClient(new HttpClientOptions(clientOptions)
                .setKeepAlive(false)
                .setVerifyHost(true)
                .setConnectTimeout((int) timeout.toMillis()));
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
        RegisteredClient hit = cached(url.text());
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
        return http.close();
    }

    private static void refused(ClientMetadataException problem) {
        log.atInfo().addKeyValue("client_id", problem.url()).addKeyValue("reason", problem.reason())
                .log("client metadata document refused");
    }

    private Future<RegisteredClient> fetchAndCheck(MetadataUrl url) {
        return fetch(url).compose(fetched -> {
            RegisteredClient client;
            try {
                client = check(url.text(), fetched.body());
            } catch (ClientMetadataException e) {
                return Future.failedFuture(e);
            }
            lifetime(fetched.headers(), Instant.now()).ifPresent(lifetime -> store(url.text(), client, lifetime));
            return Future.succeededFuture(client);
        }).recover(e -> {
            ClientMetadataException problem = asProblem(url, e);
            refused(problem);
            return Future.failedFuture(problem);
        });
    }

    // ---- fetching ----

    private record Fetched(Buffer body, MultiMap headers) {
    }

    /** Resolves, checks the address, connects to that very address and reads the body, all within the timeout. */
    private Future<Fetched> fetch(MetadataUrl url) {
        Promise<Fetched> outcome = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(),
                t -> outcome.tryFail(
                        ClientMetadataException.unreachable(url.text(), "timed out after " + describe(timeout))));
        vertx.executeBlocking(() -> InetAddress.getAllByName(url.host()), false)
                .compose(addresses -> permittedAddress(url, addresses))
                // After a timeout the outcome is already told; do not connect for nobody.
                .compose(address -> outcome.future().isComplete()
                        ? outcome.future()
                        : get(url, address, outcome.future()))
                .onComplete(done -> {
                    vertx.cancelTimer(timer);
                    if (done.succeeded()) {
                        outcome.tryComplete(done.result());
                    } else {
                        outcome.tryFail(asProblem(url, done.cause()));
                    }
                });
        return outcome.future();
    }

    /** Every address the name resolves to must be allowed: a name that mixes public and private ones is refused. */
    private Future<InetAddress> permittedAddress(MetadataUrl url, InetAddress[] addresses) {
        for (InetAddress address : addresses) {
            Optional<String> refusal = AddressPolicy.refusal(address, policy.allowLoopbackHttp());
            if (refusal.isPresent()) {
                return Future.failedFuture(ClientMetadataException.unreachable(url.text(),
                        "its host resolves to " + refusal.get()));
            }
        }
        return Future.succeededFuture(addresses[0]);
    }

    private Future<Fetched> get(MetadataUrl url, InetAddress address, Future<Fetched> outcome) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                // Connect to the checked address; Host, SNI and certificate checks still use the name.
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, url.port())))
                .setHost(url.host())
                .setPort(url.port())
                .setSsl(url.https())
                .setURI(url.requestTarget())
                .setFollowRedirects(false)
                .putHeader(HttpHeaders.ACCEPT, "application/json");
        return http.request(options).compose(request -> {
            // Whatever ends the fetch early (timeout, size, status) also ends the exchange.
            outcome.onFailure(e -> request.reset());
            return request.send();
        }).compose(response -> read(url, response));
    }

    private static Future<Fetched> read(MetadataUrl url, HttpClientResponse response) {
        Promise<Fetched> body = Promise.promise();
        // Set first: refusing early resets the stream, and that reset must land here, not in the log.
        response.exceptionHandler(body::tryFail);
        int status = response.statusCode();
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (status >= 300 && status < 400) {
            body.fail(ClientMetadataException.unfetchable(url.text(),
                    "it answered with a redirect (HTTP " + status + "), and redirects are not followed"));
        } else if (status != 200) {
            body.fail(ClientMetadataException.unfetchable(url.text(),
                    "it answered HTTP " + status + " instead of 200"));
        } else if (!isJson(type)) {
            String found = type == null ? "missing" : "not JSON";
            body.fail(ClientMetadataException.unfetchable(url.text(),
                    "its Content-Type is " + found + "; it must be application/json"));
        }
        if (body.future().isComplete()) {
            return body.future();
        }
        Buffer buffer = Buffer.buffer();
        response.handler(chunk -> {
            if (body.future().isComplete()) {
                return;
            }
            if (buffer.length() + chunk.length() > MAX_BODY_BYTES) {
                body.fail(ClientMetadataException.unfetchable(url.text(),
                        "it is larger than " + MAX_BODY_BYTES / 1024 + " KiB"));
            } else {
                buffer.appendBuffer(chunk);
            }
        });
        response.endHandler(v -> body.tryComplete(new Fetched(buffer, response.headers())));
        return body.future();
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }

    /**
     * Turns what the network throws into a problem: a TLS failure (from a public server) names its cause;
     * everything before that is one "unreachable" whose detail only the log sees.
     */
    private static ClientMetadataException asProblem(MetadataUrl url, Throwable failure) {
        if (failure instanceof ClientMetadataException problem) {
            return problem;
        }
        if (failure instanceof SSLException) {
            return ClientMetadataException.unfetchable(url.text(),
                    "the TLS handshake failed (" + rootCause(failure).getMessage() + ")");
        }
        String detail;
        if (failure instanceof UnknownHostException) {
            detail = "its host name does not resolve";
        } else if (failure instanceof ConnectException) {
            detail = "the connection was refused or could not be made";
        } else {
            detail = "the connection failed (" + failure.getMessage() + ")";
        }
        return ClientMetadataException.unreachable(url.text(), detail);
    }

    /** Vert.x wraps the certificate problem a user can act on in a generic handshake failure. */
    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    // ---- the document ----

    private static RegisteredClient check(String url, Buffer body) throws ClientMetadataException {
        Object parsed;
        try {
            parsed = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw ClientMetadataException.invalid(url, "it is not valid JSON");
        }
        if (!(parsed instanceof JsonObject document)) {
            throw ClientMetadataException.invalid(url, "it is not a JSON object");
        }
        // Simple string comparison: the draft forbids normalising either side.
        if (!url.equals(document.getValue("client_id"))) {
            throw ClientMetadataException.invalid(url, "its client_id is not exactly the URL it was fetched from");
        }
        List<String> redirectUris = redirectUris(url, document.getValue("redirect_uris"));
        authMethod(url, document.getValue("token_endpoint_auth_method"));
        Object grantTypes = document.getValue("grant_types");
        if (grantTypes != null
                && !(grantTypes instanceof JsonArray grants && grants.contains("authorization_code"))) {
            throw ClientMetadataException.invalid(url, "grant_types does not include authorization_code");
        }
        return new RegisteredClient(url, clientName(url, document.getValue("client_name")), redirectUris, "none",
                null, true);
    }

    private static List<String> redirectUris(String url, Object value) throws ClientMetadataException {
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw ClientMetadataException.invalid(url, "redirect_uris is missing or empty");
        }
        if (array.size() > RegisteredClient.MAX_REDIRECT_URIS) {
            throw ClientMetadataException.invalid(url, "redirect_uris has more than " + RegisteredClient.MAX_REDIRECT_URIS
                    + " entries");
        }
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof String uri)) {
                throw ClientMetadataException.invalid(url, "redirect_uris[" + i + "] is not a string");
            }
            if (uri.length() > RegisteredClient.MAX_REDIRECT_URI_LENGTH) {
                throw ClientMetadataException.invalid(url, "redirect_uris[" + i + "] is longer than "
                        + RegisteredClient.MAX_REDIRECT_URI_LENGTH + " characters");
            }
            Optional<String> problem = redirectProblem(uri);
            if (problem.isPresent()) {
                throw ClientMetadataException.invalid(url, "redirect_uris[" + i + "] " + problem.get());
            }
            uris.add(uri);
        }
        return uris;
    }

    /** Same rule as registration: https anywhere, plain http only back to the user's own machine. */
    private static Optional<String> redirectProblem(String uri) {
        if (uri.indexOf('#') >= 0) {
            return Optional.of("has a fragment");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        if (!parsed.isAbsolute() || parsed.getHost() == null) {
            return Optional.of("is not an absolute URL with a host");
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")
                || (scheme.equals("http") && LOOPBACK_HOSTS.contains(parsed.getHost().toLowerCase(Locale.ROOT)))) {
            return Optional.empty();
        }
        return Optional.of("must use https, or http on 127.0.0.1, [::1] or localhost");
    }

    private static void authMethod(String url, Object method) throws ClientMetadataException {
        if (method == null || "none".equals(method)) {
            return;
        }
        if ("private_key_jwt".equals(method)) {
            throw ClientMetadataException.invalid(url,
                    "token_endpoint_auth_method private_key_jwt is not supported yet; use none");
        }
        if (method instanceof String name && name.startsWith("client_secret_")) {
            throw ClientMetadataException.invalid(url, "token_endpoint_auth_method " + name
                    + " needs a client secret, which a public document cannot hold; use none");
        }
        throw ClientMetadataException.invalid(url, "token_endpoint_auth_method must be none");
    }

    private static String clientName(String url, Object value) throws ClientMetadataException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String name)) {
            throw ClientMetadataException.invalid(url, "client_name is not a string");
        }
        String trimmed = name.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (trimmed.codePointCount(0, trimmed.length()) > MAX_CLIENT_NAME_LENGTH) {
            trimmed = trimmed.substring(0, trimmed.offsetByCodePoints(0, MAX_CLIENT_NAME_LENGTH));
        }
        return trimmed;
    }

    // ---- caching ----

    private record Cached(RegisteredClient client, long expiresAtNanos) {
    }

    private RegisteredClient cached(String url) {
        synchronized (cache) {
            Cached entry = cache.get(url);
            if (entry == null) {
                return null;
            }
            if (System.nanoTime() - entry.expiresAtNanos() >= 0) {
                cache.remove(url);
                return null;
            }
            return entry.client();
        }
    }

    private void store(String url, RegisteredClient client, Duration lifetime) {
        synchronized (cache) {
            // Remove first so that a refreshed entry moves to the young end of the eviction order.
            cache.remove(url);
            cache.put(url, new Cached(client, System.nanoTime() + lifetime.toNanos()));
        }
    }

    /**
     * How long a response may be reused (RFC 9111, as a private cache): {@code no-store} and
     * {@code no-cache} mean not at all, {@code max-age} wins over {@code Expires}, and a response
     * without either is kept for {@link #DEFAULT_LIFETIME}. Never longer than {@link #MAX_LIFETIME}.
     */
    static Optional<Duration> lifetime(MultiMap headers, Instant now) {
        Long maxAge = null;
        for (String header : headers.getAll(HttpHeaders.CACHE_CONTROL)) {
            for (String directive : header.split(",")) {
                String d = directive.trim().toLowerCase(Locale.ROOT);
                if (d.equals("no-store") || d.equals("no-cache")) {
                    return Optional.empty();
                }
                if (d.startsWith("max-age=")) {
                    maxAge = seconds(d.substring("max-age=".length()));
                }
            }
        }
        if (maxAge != null) {
            return capped(Duration.ofSeconds(maxAge));
        }
        String expires = headers.get(HttpHeaders.EXPIRES);
        if (expires != null) {
            Optional<Instant> at = httpDate(expires);
            Instant base = Optional.ofNullable(headers.get(HttpHeaders.DATE)).flatMap(ClientMetadataDocuments::httpDate)
                    .orElse(now);
            // An Expires that does not parse means "already expired" (RFC 9111 section 5.3).
            return at.isEmpty() ? Optional.empty() : capped(Duration.between(base, at.get()));
        }
        return Optional.of(DEFAULT_LIFETIME);
    }

    /** Delta-seconds; anything malformed counts as 0 (do not reuse), anything huge as the cap. */
    private static long seconds(String value) {
        String digits = value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
                ? value.substring(1, value.length() - 1) : value;
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return digits.length() > 9 ? MAX_LIFETIME.toSeconds() : Long.parseLong(digits);
    }

    private static Optional<Duration> capped(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            return Optional.empty();
        }
        return Optional.of(lifetime.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : lifetime);
    }

    private static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    // ---- the URL ----

    /**
     * A checked {@code client_id} URL.
     *
     * @param text          the URL exactly as the client sent it (the cache key and the expected {@code client_id})
     * @param host          the host without IPv6 brackets
     * @param requestTarget raw path and query, as sent on the request line
     */
    private record MetadataUrl(String text, boolean https, String host, int port, String requestTarget) {

        static MetadataUrl parse(String text, Policy policy) throws ClientMetadataException {
            if (text == null || text.isEmpty()) {
                throw ClientMetadataException.badUrl("(empty)", "it is empty");
            }
            if (text.length() > MAX_URL_LENGTH) {
                throw ClientMetadataException.badUrl(text.substring(0, 100) + "...",
                        "it is longer than " + MAX_URL_LENGTH + " characters");
            }
            if (text.indexOf('#') >= 0) {
                throw ClientMetadataException.badUrl(text, "it has a fragment (#...)");
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw ClientMetadataException.badUrl(text, "it is not a valid URL");
            }
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw ClientMetadataException.badUrl(text, "it is not an absolute URL with a host");
            }
            if (uri.getRawUserInfo() != null) {
                throw ClientMetadataException.badUrl(text, "it has user info (a name or password before the host)");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            boolean https = scheme.equals("https");
            boolean loopbackHttp = scheme.equals("http") && policy.allowLoopbackHttp() && LOOPBACK_HOSTS.contains(host);
            if (!https && !loopbackHttp) {
                throw ClientMetadataException.badUrl(text, "it must use https");
            }
            String path = uri.getRawPath();
            if (path == null || path.isEmpty() || path.equals("/")) {
                throw ClientMetadataException.badUrl(text,
                        "it has no path; the document must live at a path such as /oauth/client-metadata.json");
            }
            for (String segment : path.split("/", -1)) {
                String decoded = segment.replace("%2e", ".").replace("%2E", ".");
                if (decoded.equals(".") || decoded.equals("..")) {
                    throw ClientMetadataException.badUrl(text, "its path has a . or .. segment");
                }
            }
            int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
            String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return new MetadataUrl(text, https, bare, port, target);
        }
    }
}
