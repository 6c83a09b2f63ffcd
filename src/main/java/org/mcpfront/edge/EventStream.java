package org.mcpfront.edge;

import java.util.ArrayList;
import java.util.List;
import org.mcpfront.transport.SseWriter;

/**
 * A long-lived SSE stream of {@code event: message} frames: the legacy SSE stream, or the
 * Streamable HTTP GET stream (which, resuming a POST's stream, ends with that POST's response).
 * Messages that arrive before the response has started are held.
 */
final class EventStream implements ClientStream {

    private final SseWriter writer;
    private final List<Early> early = new ArrayList<>();
    private boolean begun;
    private boolean ended;

    private record Early(String raw, boolean last, String eventId) {}

    EventStream(SseWriter writer) {
        this.writer = writer;
    }

    SseWriter writer() {
        return writer;
    }

    /** Call once the response headers (and any opening event) are written. */
    void started() {
        begun = true;
        early.forEach(e -> write(e.raw(), e.last(), e.eventId()));
        early.clear();
        if (ended) {
            writer.end();
        }
    }

    /** Whether the session is done with this stream (it ended it, or sent its last message). */
    boolean ended() {
        return ended;
    }

    @Override
    public void deliver(String raw, boolean last, String eventId) {
        if (begun) {
            write(raw, last, eventId);
        } else {
            early.add(new Early(raw, last, eventId));
        }
    }

    private void write(String raw, boolean last, String eventId) {
        if (last) {
            ended = true;
            writer.lastEvent("message", raw, eventId);
        } else {
            writer.event("message", raw, eventId);
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
