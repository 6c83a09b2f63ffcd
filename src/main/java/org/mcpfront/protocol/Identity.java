package org.mcpfront.protocol;

import io.vertx.core.json.JsonObject;

/** How mcp-front names itself when it speaks MCP in its own name (probes, discovery it answers). */
public final class Identity {

    public static final String NAME = "mcp-front";
    public static final String VERSION = version();
    public static final JsonObject CLIENT_INFO =
            new JsonObject().put("name", NAME).put("version", VERSION);

    private Identity() {}

    private static String version() {
        String version = Identity.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
