package org.mcpfront.bus;

/**
 * A session tells the supervisor that it ended on its own (client, idle, backend), locally on
 * {@code supervisor.session.ended}.
 *
 * @param route        the route's path
 * @param startFailure why the backend failed before it ever answered, or null if it did not
 */
public record SessionEnded(String sessionId, String route, String startFailure) {}
