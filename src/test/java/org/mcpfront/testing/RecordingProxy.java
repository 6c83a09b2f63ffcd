package org.mcpfront.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A transparent HTTP forwarder in front of a real backend that remembers the headers of every
 * request it forwarded: lets a test see exactly what mcp-front sent to the backend. In front of
 * several targets it is a load balancer without affinity: each request goes to the next target.
 */
public final class RecordingProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final List<MultiMap> requests = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Map<String, String> addedHeaders;
    private final List<Integer> targets;
    private final AtomicLong next = new AtomicLong();
    private final List<Integer> routed = new CopyOnWriteArrayList<>();

    private RecordingProxy(List<Integer> targetPorts, Map<String, String> addedHeaders) throws Exception {
        this.addedHeaders = Map.copyOf(addedHeaders);
        this.targets = List.copyOf(targetPorts);
        // Streams stay open for long (SSE); a small pool would queue requests behind them.
        HttpClient client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(256));
        server = vertx.createHttpServer()
                .requestHandler(in -> forward(client, nextTarget(), in))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    public static RecordingProxy to(int targetPort) {
        return to(targetPort, Map.of());
    }

    /**
     * A proxy that also sets {@code addedHeaders} on every forwarded request: how a client that cannot
     * send headers (the conformance suite) reaches a route that needs a bearer token.
     */
    public static RecordingProxy to(int targetPort, Map<String, String> addedHeaders) {
        return start(List.of(targetPort), addedHeaders);
    }

    /** Round robin over {@code targetPorts}, request by request, as a load balancer without affinity. */
    public static RecordingProxy roundRobin(List<Integer> targetPorts) {
        return start(targetPorts, Map.of());
    }

    private static RecordingProxy start(List<Integer> targetPorts, Map<String, String> addedHeaders) {
        try {
            return new RecordingProxy(targetPorts, addedHeaders);
        } catch (Exception e) {
            throw new IllegalStateException("the recording proxy did not start", e);
        }
    }

    private int nextTarget() {
        int target = targets.get((int) (next.getAndIncrement() % targets.size()));
        routed.add(target);
        return target;
    }

    /** The target port of every request so far, in order. */
    public List<Integer> routed() {
        return routed;
    }

    private void forward(HttpClient client, int targetPort, HttpServerRequest in) {
        requests.add(MultiMap.caseInsensitiveMultiMap().addAll(in.headers()));
        in.pause();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .addAll(in.headers())
                .remove("Content-Length")
                .remove("Transfer-Encoding");
        addedHeaders.forEach(headers::set);
        RequestOptions options = new RequestOptions()
                .setMethod(in.method())
                .setHost("127.0.0.1")
                .setPort(targetPort)
                .setURI(in.uri())
                .setHeaders(headers);
        client.request(options)
                .onSuccess(out -> {
                    out.response()
                            .onSuccess(response -> {
                                // Re-framed as chunked: a copied Content-Length would contradict that framing.
                                in.response()
                                        .setStatusCode(response.statusCode())
                                        .headers()
                                        .addAll(response.headers())
                                        .remove("Content-Length")
                                        .remove("Transfer-Encoding");
                                in.response().setChunked(true);
                                response.handler(in.response()::write);
                                response.endHandler(v -> in.response().end());
                                in.response().closeHandler(v -> out.reset());
                            })
                            .onFailure(e -> in.response().setStatusCode(502).end());
                    out.setChunked(true);
                    Buffer body = Buffer.buffer();
                    in.handler(chunk -> {
                        body.appendBuffer(chunk);
                        out.write(chunk);
                    });
                    in.endHandler(v -> {
                        bodies.add(body.toString());
                        out.end();
                    });
                    in.resume();
                })
                .onFailure(e -> in.response().setStatusCode(502).end());
    }

    public int port() {
        return server.actualPort();
    }

    /** The bodies of every request forwarded so far, exactly as they arrived. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** The headers of every request forwarded so far. */
    public List<MultiMap> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        vertx.close();
    }
}
