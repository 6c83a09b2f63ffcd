package org.mcpfront.bus;

import org.mcpfront.config.RouteConfig;

/**
 * What a new session needs to know. The edge sends it without an id to {@code supervisor.sessions}
 * (local only); the supervisor gives it one ({@link #withId}) and starts the session with it. The reply
 * to the edge is the new session id, or a failure whose code is the HTTP status to answer with.
 *
 * @param id         the session id, null until the supervisor has chosen one
 * @param standalone the stream that takes server-initiated messages from the start (the legacy SSE
 *                   stream), or null when the client attaches one later (Streamable HTTP GET)
 * @param owner      the user whose token opened it
 */
public record SessionSpec(
        String id, RouteConfig route, ClientTransport clientTransport, StreamRef standalone, SessionOwner owner) {

    /** The edge's request: everything but the id. */
    public static SessionSpec request(
            RouteConfig route, ClientTransport clientTransport, StreamRef standalone, SessionOwner owner) {
        return new SessionSpec(null, route, clientTransport, standalone, owner);
    }

    public SessionSpec withId(String sessionId) {
        return new SessionSpec(sessionId, route, clientTransport, standalone, owner);
    }
}
