package org.mcpfront.bus;

/**
 * The edge asks its own supervisor, locally on {@code supervisor.adopt}, to carry on a session that no
 * instance serves (its instance died). The reply is empty when the session is served again (here, or
 * by the instance that won the adoption: the edge sends its request once more), or a failure whose code
 * is the HTTP status to answer with (404: gone for good).
 *
 * @param owner what the request presents, as {@link SessionOwner#binding}: only the session's owner may
 *              bring it back
 */
public record SessionAdopt(String sessionId, String owner) {}
