package org.mcpfront.session;

/**
 * Who opened a session, from the access token that opened it: {@code subject} binds the session
 * (only requests with that subject's tokens reach it); {@code email} and {@code clientId} (the OAuth
 * client the token was issued to) are for the logs.
 */
public record SessionOwner(String subject, String email, String clientId) {
}
