import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Set;

/**
 * The baseline of issue 15's CPU figure: the least an HTTP gateway on Vert.x can do for one MCP call.
 * It forwards every request's method, path, headers and body bytes to one backend and streams the
 * answer back (SSE included), with no auth, no parsing and no sessions, one verticle per event loop
 * like mcp-front. Usage: {@code java -cp target/mcp-front.jar bench/PassThrough.java <port> <backend url>}.
 */
public final class PassThrough {

    /** Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the message. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "proxy-connection",
            "host",
            "content-length");

    private PassThrough() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        URI backend = URI.create(args[1]);
        int backendPort = backend.getPort() > 0 ? backend.getPort() : 80;
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(256));
        int loops = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < loops; i++) {
            vertx.createHttpServer()
                    .requestHandler(req -> forward(client, backend.getHost(), backendPort, req))
                    .listen(port, "127.0.0.1")
                    .await();
        }
        System.out.println("pass-through on " + port + " to " + backend);
    }

    private static void forward(HttpClient client, String host, int port, HttpServerRequest req) {
        req.pause();
        MultiMap headers = HttpHeaders.headers();
        copy(req.headers(), headers);
        RequestOptions options = new RequestOptions()
                .setMethod(req.method())
                .setHost(host)
                .setPort(port)
                .setURI(req.uri())
                .setHeaders(headers);
        client.request(options)
                .compose(upstream -> {
                    String length = req.getHeader("content-length");
                    if (length != null) {
                        upstream.putHeader("content-length", length);
                    } else {
                        upstream.setChunked(true);
                    }
                    return upstream.send(req);
                })
                .onSuccess(answer -> reply(req, answer))
                .onFailure(e -> req.response().setStatusCode(502).end(String.valueOf(e.getMessage())));
    }

    private static void reply(HttpServerRequest req, HttpClientResponse answer) {
        var res = req.response().setStatusCode(answer.statusCode());
        copy(answer.headers(), res.headers());
        String length = answer.getHeader("content-length");
        if (length != null) {
            res.putHeader("content-length", length);
        } else {
            res.setChunked(true);
        }
        answer.pipeTo(res);
    }

    private static void copy(MultiMap from, MultiMap to) {
        from.forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                to.add(h.getKey(), h.getValue());
            }
        });
    }
}
