package org.mcpfront.bus;

import java.util.List;

/**
 * Who opened a session, from the access token that opened it: {@code subject} binds the session
 * (only requests with that subject's tokens reach it); {@code email} and {@code clientId} (the OAuth
 * client the token was issued to) are for the logs; {@code groups} are the token's memberships, which a route's
 * identity assertion passes on to the backend.
 */
public record SessionOwner(String subject, String email, String clientId, List<String> groups) {

    public SessionOwner {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** An owner whose token carries no memberships. */
    public SessionOwner(String subject, String email, String clientId) {
        this(subject, email, clientId, List.of());
    }

    /**
     * What a request must present to reach a session of this owner on {@code routePath}: the same user,
     * through the same OAuth client, on the same route (MCP security best practices: a session id alone
     * must not let anyone in, and the audit log must name the right client).
     */
    public String binding(String routePath) {
        return subject + '\n' + (clientId == null ? "" : clientId) + '\n' + routePath;
    }
}
