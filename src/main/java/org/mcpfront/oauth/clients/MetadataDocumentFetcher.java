package org.mcpfront.oauth.clients;

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
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Fetches a client metadata document safely: every address the host resolves to must be public
 * ({@link AddressPolicy}), the connection goes to that checked address, redirects are not followed, and the
 * body is bounded in size and the whole exchange in time.
 */
final class MetadataDocumentFetcher {

    static final int MAX_BODY_BYTES = 64 * 1024;

    /** The body and headers of a 200 JSON answer. */
    record Fetched(Buffer body, MultiMap headers) {}

    private final Vertx vertx;
    private final ClientMetadataDocuments.Policy policy;
    private final Duration timeout;
    private final HttpClient http;

    MetadataDocumentFetcher(
            Vertx vertx, ClientMetadataDocuments.Policy policy, Duration timeout, HttpClientOptions clientOptions) {
        this.vertx = vertx;
        this.policy = policy;
        this.timeout = timeout;
        // No keep-alive: fetches are rare (cached), and a pooled connection would outlive the address check.
        this.http = vertx.createHttpClient(new HttpClientOptions(clientOptions)
                .setKeepAlive(false)
                .setVerifyHost(true)
                .setConnectTimeout((int) timeout.toMillis()));
    }

    Future<Void> close() {
        return http.close();
    }

    /** Resolves, checks the address, connects to that very address and reads the body, all within the timeout. */
    Future<Fetched> fetch(MetadataUrl url) {
        Promise<Fetched> outcome = Promise.promise();
        long timer = vertx.setTimer(
                timeout.toMillis(),
                t -> outcome.tryFail(
                        ClientMetadataException.unreachable(url.text(), "timed out after " + describe(timeout))));
        vertx.executeBlocking(() -> InetAddress.getAllByName(url.host()), false)
                .compose(addresses -> permittedAddress(url, addresses))
                // After a timeout the outcome is already told; do not connect for nobody.
                .compose(address ->
                        outcome.future().isComplete() ? outcome.future() : get(url, address, outcome.future()))
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
                return Future.failedFuture(
                        ClientMetadataException.unreachable(url.text(), "its host resolves to " + refusal.get()));
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
        return http.request(options)
                .compose(request -> {
                    // Whatever ends the fetch early (timeout, size, status) also ends the exchange.
                    outcome.onFailure(e -> request.reset());
                    return request.send();
                })
                .compose(response -> read(url, response));
    }

    private static Future<Fetched> read(MetadataUrl url, HttpClientResponse response) {
        Promise<Fetched> body = Promise.promise();
        // Set first: refusing early resets the stream, and that reset must land here, not in the log.
        response.exceptionHandler(body::tryFail);
        int status = response.statusCode();
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (status >= 300 && status < 400) {
            body.fail(ClientMetadataException.unfetchable(
                    url.text(), "it answered with a redirect (HTTP " + status + "), and redirects are not followed"));
        } else if (status != 200) {
            body.fail(
                    ClientMetadataException.unfetchable(url.text(), "it answered HTTP " + status + " instead of 200"));
        } else if (!isJson(type)) {
            String found = type == null ? "missing" : "not JSON";
            body.fail(ClientMetadataException.unfetchable(
                    url.text(), "its Content-Type is " + found + "; it must be application/json"));
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
                body.fail(ClientMetadataException.unfetchable(
                        url.text(), "it is larger than " + MAX_BODY_BYTES / 1024 + " KiB"));
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
    static ClientMetadataException asProblem(MetadataUrl url, Throwable failure) {
        if (failure instanceof ClientMetadataException problem) {
            return problem;
        }
        if (failure instanceof SSLException) {
            return ClientMetadataException.unfetchable(
                    url.text(),
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
}
