package org.mcpfront.edge;

import org.mcpfront.transport.SseWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A long-lived SSE stream of {@code event: message} frames: the legacy SSE stream, or the
 * Streamable HTTP GET stream. Messages that arrive before the response has started are held.
 */
final class EventStream implements ClientStream {

    private final SseWriter writer;
    private final List<String> early = new ArrayList<>();
    private boolean begun;
    private boolean ended;

    EventStream(SseWriter writer) {
        this.writer = writer;
    }

    /** Call once the response headers (and any opening event) are written. */
    void started() {
        begun = true;
        early.forEach(raw -> writer.event("message", raw));
        early.clear();
        if (ended) {
            writer.end();
        }
    }

    boolean ended() {
        return ended;
    }

    @Override
    public void deliver(String raw, boolean last) {
        if (begun) {
            writer.event("message", raw);
        } else {
            early.add(raw);
        }
    }

    @Override
    public void end(String reason) {
        ended = true;
        if (begun) {
            writer.end();
        }
    }
}
