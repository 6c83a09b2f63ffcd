package org.mcpfront.supervisor;

import org.mcpfront.config.RouteConfig;
import org.mcpfront.session.ClientTransport;
import org.mcpfront.session.SessionOwner;
import org.mcpfront.session.StreamRef;

/**
 * The edge's request to open a session, sent locally to {@code supervisor.sessions}. The reply is
 * the new session id, or a failure whose code is the HTTP status to answer with.
 */
public record SessionRequest(RouteConfig route, ClientTransport clientTransport, StreamRef standalone, SessionOwner owner) {
}
