package org.mcpfront.bus;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ids of the SSE events mcp-front sends on a client stream, so that a client that lost its
 * connection can resume with {@code Last-Event-ID} on any instance. An id is
 * {@code <session id>.<kind><nonce>-<seq>}: the session id says which session keeps the stream (the
 * event bus finds it anywhere in the cluster), {@code <session id>.<kind><nonce>} is the stream's key,
 * and {@code seq} is the position in that stream, 0 for the priming event of SEP-1699, then 1, 2, …
 *
 * <p>The session id in it gives nothing away that the client does not already hold, and knowing an id
 * is not enough to resume: the session checks the owner binding of the resuming request, as it does
 * for every request.
 */
public final class EventIds {

    /** A Streamable HTTP POST's response stream. */
    public static final char POST = 'p';
    /** The Streamable HTTP GET stream for server-initiated messages. */
    public static final char GET = 'g';
    /** The legacy HTTP+SSE stream. */
    public static final char SSE = 's';

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_LENGTH = 256;

    private EventIds() {}

    /**
     * A new stream's key: unique within the session (72 random bits), naming the session. The bits need
     * not be secret (the owner binding guards a resume, above), so they come from the thread's fast
     * generator rather than {@link java.security.SecureRandom}, whose shared lock every POST met.
     */
    public static String newKey(String sessionId, char kind) {
        byte[] nonce = new byte[9];
        ThreadLocalRandom.current().nextBytes(nonce);
        return sessionId + '.' + kind + ENCODER.encodeToString(nonce);
    }

    /** The id of event {@code seq} of the stream {@code key}. */
    public static String id(String key, long seq) {
        return key + '-' + seq;
    }

    /** A {@code Last-Event-ID} taken apart; {@code seq} is the last event the client has. */
    public record Position(String sessionId, String key, char kind, long seq) {}

    /** Takes a {@code Last-Event-ID} apart; null when it is not one of ours (or mangled). */
    public static Position parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isEmpty() || lastEventId.length() > MAX_LENGTH) {
            return null;
        }
        int dash = lastEventId.lastIndexOf('-');
        int dot = lastEventId.indexOf('.');
        if (dash < 0 || dot <= 0 || dot + 2 >= dash || dash == lastEventId.length() - 1) {
            return null;
        }
        long seq;
        try {
            String digits = lastEventId.substring(dash + 1);
            if (!digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 18) {
                return null;
            }
            seq = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null;
        }
        char kind = lastEventId.charAt(dot + 1);
        if (kind != POST && kind != GET && kind != SSE) {
            return null;
        }
        String key = lastEventId.substring(0, dash);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean allowed = c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '_'
                    || c == '.';
            if (!allowed) {
                return null;
            }
        }
        return new Position(lastEventId.substring(0, dot), key, kind, seq);
    }
}
