package org.mcpfront.supervisor;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: 192 random bits, URL-safe base64. Unguessable because an id is all a client needs to
 * reach a session, and visible ASCII as {@code Mcp-Session-Id} requires.
 */
final class SessionIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {}

    static String next() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
