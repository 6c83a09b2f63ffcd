package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * {@code src/test/node/http-test-server.mjs}: a light Streamable HTTP backend with {@code echo}, and a
 * {@code flood} tool that streams as fast as its reader takes and tells how many bytes its connections
 * have accepted ({@link #written()}).
 */
public final class HttpTestServer extends ChildProcess {

    private final int port;

    private HttpTestServer(int port) {
        super(
                "http-test-server",
                List.of(
                        NodeTools.node(),
                        NodeTools.script("http-test-server.mjs").toString()),
                Map.of("PORT", Integer.toString(port)),
                NodeTools.dir());
        this.port = port;
    }

    public static HttpTestServer start() {
        int port = FreePorts.next();
        return new HttpTestServer(port).listeningOn(port);
    }

    /** The MCP endpoint URL, as a route's {@code backend} names it. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** Bytes of flood the backend's connections have accepted so far. */
    public long written() {
        return new JsonObject(RawHttp.send(RawHttp.request("http://127.0.0.1:" + port + "/written"))
                        .body())
                .getLong("written");
    }
}
