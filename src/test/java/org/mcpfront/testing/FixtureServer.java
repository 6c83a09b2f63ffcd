package org.mcpfront.testing;

import java.util.List;
import java.util.Map;

/** Our conformance fixture ({@code src/test/node/fixture-server.mjs}) on a free loopback port. */
public final class FixtureServer extends ChildProcess {

    private final int port;

    private FixtureServer(int port) {
        super(
                "conformance-fixture",
                List.of(NodeTools.node(), NodeTools.script("fixture-server.mjs").toString()),
                Map.of("PORT", Integer.toString(port)),
                NodeTools.dir());
        this.port = port;
    }

    public static FixtureServer start() {
        NodeTools.modules();
        int port = FreePorts.next();
        return new FixtureServer(port).listeningOn(port);
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }
}
