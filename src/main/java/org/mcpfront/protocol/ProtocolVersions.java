package org.mcpfront.protocol;

import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Set;

/** The MCP revisions mcp-front speaks, per era, in the order it prefers them. */
public final class ProtocolVersions {

    /** The stateless revision; requests carry it in {@code _meta} and in {@code MCP-Protocol-Version}. */
    public static final String MODERN = "2026-07-28";
    /** The newest revision with the initialize handshake: what mcp-front asks of a legacy backend. */
    public static final String LATEST_LEGACY = "2025-11-25";

    public static final Set<String> MODERN_VERSIONS = Set.of(MODERN);
    public static final Set<String> LEGACY_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");
    /** Newest first, as {@code supportedVersions} and {@code -32022} data list them. */
    private static final List<String> ALL = List.of(MODERN, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    private ProtocolVersions() {}

    public static JsonArray supported() {
        return new JsonArray(ALL);
    }

    public static boolean isModern(String version) {
        return version != null && MODERN_VERSIONS.contains(version);
    }

    /**
     * The legacy revision to answer a legacy client's {@code initialize} with: its own when mcp-front
     * knows it, else the newest (the 2025 negotiation rule).
     */
    public static String negotiateLegacy(String requested) {
        return requested != null && LEGACY_VERSIONS.contains(requested) ? requested : LATEST_LEGACY;
    }
}
