import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;

/**
 * The per-connection heap floor of issue 15's held-session figure: the least a Vert.x HTTP/1.1 server
 * (same Vert.x, Netty and server options as mcp-front's edge) keeps for one idle SSE stream. {@code GET}
 * any path answers {@code text/event-stream} with one event and a comment every 20 s (mcp-front's
 * keep-alive), nothing else: no auth, no session, no routing. {@code bench/run-floor-sse.sh} holds N
 * streams on it and measures the live heap the same way as {@code run-sessions.sh}.
 * Usage: {@code java -cp target/mcp-front.jar bench/SseFloor.java <port>}.
 */
public final class SseFloor {

    private SseFloor() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setCompressionSupported(false)
                .setHttp2ClearTextEnabled(false);
        vertx.createHttpServer(options)
                .requestHandler(request -> {
                    HttpServerResponse response = request.response()
                            .setChunked(true)
                            .putHeader("Content-Type", "text/event-stream")
                            .putHeader("Cache-Control", "no-cache");
                    response.write("event: endpoint\ndata: /message?sessionId=0123456789abcdef\n\n");
                    long timer = vertx.setPeriodic(20_000, id -> response.write(": keep-alive\n\n"));
                    response.closeHandler(v -> vertx.cancelTimer(timer));
                })
                .listen()
                .onSuccess(s -> System.out.println("listening on " + port))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
