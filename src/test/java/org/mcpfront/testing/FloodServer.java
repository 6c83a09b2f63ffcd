package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * {@code src/test/node/flood-http-server.mjs}: a Streamable HTTP backend whose {@code flood} tool streams
 * as fast as its reader takes, and tells how many bytes its connection has accepted ({@link #written()}).
 */
public final class FloodServer extends ChildProcess {

    private final int port;

    private FloodServer(int port) {
        super(
                "flood-http-server",
                List.of(
                        NodeTools.node(),
                        NodeTools.script("flood-http-server.mjs").toString()),
                Map.of("PORT", Integer.toString(port)),
                NodeTools.dir());
        this.port = port;
    }

    public static FloodServer start() {
        int port = FreePorts.next();
        return new FloodServer(port).listeningOn(port);
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
