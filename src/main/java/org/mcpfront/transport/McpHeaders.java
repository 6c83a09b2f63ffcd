package org.mcpfront.transport;

import java.util.Set;

/** MCP's HTTP header names and the protocol revisions the client-facing transports accept. */
public final class McpHeaders {

    public static final String SESSION_ID = "Mcp-Session-Id";
    public static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
    public static final String LAST_EVENT_ID = "Last-Event-ID";

    /** Revisions that use the initialize handshake and sessions, which this gateway bridges. */
    public static final Set<String> SUPPORTED_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    private McpHeaders() {
    }
}
