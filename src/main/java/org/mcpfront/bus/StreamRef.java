package org.mcpfront.bus;

/**
 * Names one client stream held by an edge verticle, possibly on another cluster member: the edge's
 * event-bus inbox plus the stream's id within it. Sessions deliver to it point to point.
 *
 * @param key the stream's resumable identity ({@link EventIds}), which outlives the connection; null for
 *            a stream that cannot be resumed (a JSON-only answer, a 2026-07-28 request)
 */
public record StreamRef(String inbox, String streamId, String key) {

    /** A stream that cannot be resumed. */
    public StreamRef(String inbox, String streamId) {
        this(inbox, streamId, null);
    }

    public boolean resumable() {
        return key != null;
    }
}
