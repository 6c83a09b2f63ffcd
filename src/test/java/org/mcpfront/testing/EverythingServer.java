package org.mcpfront.testing;

import java.util.List;
import java.util.Map;

/**
 * {@code @modelcontextprotocol/server-everything} from the pinned npm packages, in its {@code sse} or
 * {@code streamableHttp} mode on a free loopback port.
 */
public final class EverythingServer extends ChildProcess {

    public enum Mode {
        SSE("sse", "/sse"),
        STREAMABLE("streamableHttp", "/mcp");

        final String argument;
        final String path;

        Mode(String argument, String path) {
            this.argument = argument;
            this.path = path;
        }
    }

    private final int port;
    private final Mode mode;

    private EverythingServer(Mode mode, int port) {
        super(
                "server-everything-" + mode.argument,
                List.of(
                        NodeTools.node(),
                        NodeTools.modules()
                                .resolve("@modelcontextprotocol/server-everything/dist/index.js")
                                .toString(),
                        mode.argument),
                Map.of("PORT", Integer.toString(port)),
                NodeTools.dir());
        this.port = port;
        this.mode = mode;
    }

    public static EverythingServer start(Mode mode) {
        return startOn(mode, FreePorts.next());
    }

    /** On a given port: a backend "restarted" where the old one listened. */
    public static EverythingServer startOn(Mode mode, int port) {
        return new EverythingServer(mode, port).listeningOn(port);
    }

    public int port() {
        return port;
    }

    /** The backend's MCP endpoint URL, as a route's {@code backend} names it. */
    public String url() {
        return "http://127.0.0.1:" + port + mode.path;
    }

    /** The {@code command:} of a stdio route that runs server-everything, as a YAML flow list. */
    public static String stdioCommandYaml() {
        return "[\"node\", \"" + NodeTools.modules().resolve("@modelcontextprotocol/server-everything/dist/index.js")
                + "\", \"stdio\"]";
    }
}
