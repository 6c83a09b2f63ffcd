package org.mcpfront.bus;

/**
 * Who opened a session, from the access token that opened it: {@code subject} binds the session
 * (only requests with that subject's tokens reach it); {@code email} and {@code clientId} (the OAuth
 * client the token was issued to) are for the logs.
 */
public record SessionOwner(String subject, String email, String clientId) {

    /**
     * What a request must present to reach a session of this owner on {@code routePath}: the same user,
     * through the same OAuth client, on the same route (MCP security best practices: a session id alone
     * must not let anyone in, and the audit log must name the right client).
     */
    public String binding(String routePath) {
        return subject + '\n' + (clientId == null ? "" : clientId) + '\n' + routePath;
    }
}
