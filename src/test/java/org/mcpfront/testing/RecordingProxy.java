package org.mcpfront.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A transparent HTTP forwarder in front of a real backend that remembers the headers of every
 * request it forwarded: lets a test see exactly what mcp-front sent to the backend.
 */
public final class RecordingProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final List<MultiMap> requests = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private RecordingProxy(int targetPort) throws Exception {
        HttpClient client = vertx.createHttpClient();
        server = vertx.createHttpServer().requestHandler(in -> forward(client, targetPort, in))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static RecordingProxy to(int targetPort) {
        try {
            return new RecordingProxy(targetPort);
        } catch (Exception e) {
            throw new IllegalStateException("the recording proxy did not start", e);
        }
    }

    private void forward(HttpClient client, int targetPort, HttpServerRequest in) {
        requests.add(MultiMap.caseInsensitiveMultiMap().addAll(in.headers()));
        in.pause();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setHost("127.0.0.1").setPort(targetPort)
                .setURI(in.uri()).setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(in.headers()));
        client.request(options).onSuccess(out -> {
            out.response().onSuccess(response -> {
                in.response().setStatusCode(response.statusCode()).headers().addAll(response.headers());
                in.response().setChunked(true);
                response.handler(in.response()::write);
                response.endHandler(v -> in.response().end());
                in.response().closeHandler(v -> out.reset());
            }).onFailure(e -> in.response().setStatusCode(502).end());
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
        }).onFailure(e -> in.response().setStatusCode(502).end());
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
