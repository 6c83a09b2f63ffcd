import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A Streamable HTTP MCP backend that costs next to nothing, for issue 15's measured throughput: it answers
 * initialize, tools/list and the echo tool with plain JSON at once (no SSE, no SDK), one verticle per event loop.
 * Usage: {@code java -cp target/mcp-front.jar bench/EchoBackend.java <port>}; the path is /mcp.
 */
public final class EchoBackend {

    private EchoBackend() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            vertx.createHttpServer()
                    .requestHandler(req -> req.body().onSuccess(body -> answer(req, body.toString())))
                    .listen(port, "127.0.0.1")
                    .await();
        }
        System.out.println("echo backend on " + port);
    }

    private static void answer(HttpServerRequest req, String body) {
        if (req.method().name().equals("DELETE")) {
            req.response().setStatusCode(200).end();
            return;
        }
        if (!req.method().name().equals("POST")) {
            req.response().setStatusCode(405).end();
            return;
        }
        JsonObject message = new JsonObject(body);
        Object id = message.getValue("id");
        String method = message.getString("method");
        if (id == null || method == null) {
            req.response().setStatusCode(202).end();
            return;
        }
        JsonObject result;
        switch (method) {
            case "initialize" -> {
                result = new JsonObject()
                        .put("protocolVersion", message.getJsonObject("params").getString("protocolVersion"))
                        .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                        .put("serverInfo", new JsonObject().put("name", "echo").put("version", "1"));
                req.response().putHeader("Mcp-Session-Id", UUID.randomUUID().toString());
            }
            case "tools/list" ->
                result = new JsonObject()
                        .put(
                                "tools",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("name", "echo")
                                                .put("inputSchema", new JsonObject().put("type", "object"))));
            case "tools/call" -> {
                String text = message.getJsonObject("params")
                        .getJsonObject("arguments", new JsonObject())
                        .getString("message", "");
                result = new JsonObject()
                        .put(
                                "content",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("type", "text")
                                                .put("text", "Echo: " + text)));
            }
            default -> result = new JsonObject();
        }
        req.response()
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject()
                        .put("jsonrpc", "2.0")
                        .put("id", id)
                        .put("result", result)
                        .encode());
    }
}
