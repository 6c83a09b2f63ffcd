package org.mcpfront.transport;

import java.util.Locale;
import java.util.Set;

/** MCP's HTTP header names and the protocol revisions the client-facing transports accept. */
public final class McpHeaders {

    public static final String SESSION_ID = "Mcp-Session-Id";
    public static final String PROTOCOL_VERSION = "MCP-Protocol-Version";
    public static final String LAST_EVENT_ID = "Last-Event-ID";

    /** Revisions that use the initialize handshake and sessions, which this gateway bridges. */
    public static final Set<String> SUPPORTED_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    public static final String EVENT_STREAM = "text/event-stream";
    /** What an MCP client POSTs with: either a JSON answer or an SSE stream. */
    public static final String ACCEPT_JSON_OR_STREAM = "application/json, " + EVENT_STREAM;

    private McpHeaders() {}

    /** Whether a {@code Content-Type} is an SSE stream. */
    public static boolean isEventStream(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM);
    }
}
