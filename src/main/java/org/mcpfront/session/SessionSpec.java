package org.mcpfront.session;

import org.mcpfront.config.RouteConfig;

/**
 * What a new session needs to know.
 *
 * @param standalone the stream that takes server-initiated messages from the start (the legacy SSE
 *                   stream), or null when the client attaches one later (Streamable HTTP GET)
 * @param owner      the user whose token opened it
 */
public record SessionSpec(String id, RouteConfig route, ClientTransport clientTransport, StreamRef standalone,
                          SessionOwner owner) {
}
