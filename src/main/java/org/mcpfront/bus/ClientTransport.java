package org.mcpfront.bus;

/** Which MCP transport the client speaks to mcp-front; decides how a session routes replies. */
public enum ClientTransport {
    /** Streamable HTTP: each request's reply travels on the POST that carried it. */
    STREAMABLE,
    /** Legacy HTTP+SSE (2024-11-05): everything travels on the one SSE stream. */
    SSE,
    /**
     * MCP 2026-07-28 requests of one user on one route, bridged onto this session: each request's
     * reply travels on the POST that carried it, and there is no stream for anything else.
     */
    MODERN
}
