package org.mcpfront.bus;

/**
 * Names one client stream held by an edge verticle, possibly on another cluster member: the edge's
 * event-bus inbox plus the stream's id within it. Sessions deliver to it point to point.
 */
public record StreamRef(String inbox, String streamId) {

    private static final char SEPARATOR = '#';

    /** The form carried in the {@code stream} header. */
    public String encode() {
        return inbox + SEPARATOR + streamId;
    }

    /** Decodes the header form; null stays null. */
    public static StreamRef decode(String encoded) {
        if (encoded == null) {
            return null;
        }
        int at = encoded.lastIndexOf(SEPARATOR);
        if (at <= 0 || at == encoded.length() - 1) {
            throw new IllegalArgumentException("not a stream reference: " + encoded);
        }
        return new StreamRef(encoded.substring(0, at), encoded.substring(at + 1));
    }
}
