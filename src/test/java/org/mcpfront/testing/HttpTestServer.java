package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code src/test/node/http-test-server.mjs}: a light Streamable HTTP backend with {@code echo}, and a
 * {@code flood} tool that streams as fast as its reader takes and tells how many bytes its connections
 * have accepted ({@link #written()}).
 */
public final class HttpTestServer extends ChildProcess {

    private final int port;

    private HttpTestServer(int port, Map<String, String> environment) {
        super(
                "http-test-server",
                List.of(
                        NodeTools.node(),
                        NodeTools.script("http-test-server.mjs").toString()),
                environment,
                NodeTools.dir());
        this.port = port;
    }

    /** A backend that keeps idle connections open for as long as its clients like. */
    public static HttpTestServer start() {
        return start(Map.of());
    }

    /** A backend with Node's own keep-alive timeout: it says {@code Keep-Alive: timeout=s} and closes later. */
    public static HttpTestServer withKeepAlive(long keepAliveMillis) {
        return start(Map.of("KEEP_ALIVE_MS", Long.toString(keepAliveMillis)));
    }

    /** A backend that closes a connection idle for {@code millis} and says nothing of it beforehand (uvicorn). */
    public static HttpTestServer closingIdleAfter(long millis) {
        return start(Map.of("CLOSE_IDLE_MS", Long.toString(millis)));
    }

    private static HttpTestServer start(Map<String, String> options) {
        int port = FreePorts.next();
        Map<String, String> environment = new HashMap<>(options);
        environment.put("PORT", Integer.toString(port));
        return new HttpTestServer(port, environment).listeningOn(port);
    }

    public int port() {
        return port;
    }

    /** The MCP endpoint URL, as a route's {@code backend} names it. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** Bytes of flood the backend's connections have accepted so far. */
    public long written() {
        return floods().getLong("written");
    }

    /** Bytes of flood written that still sit in Node's own buffers, not yet taken by the socket. */
    public long unsent() {
        return floods().getLong("unsent");
    }

    private JsonObject floods() {
        return new JsonObject(RawHttp.send(RawHttp.request("http://127.0.0.1:" + port + "/written"))
                .body());
    }
}
