package org.mcpfront.bus;

/**
 * What a session delivers to one client stream, at the inbox of the edge that holds it
 * ({@link StreamRef#inbox}); {@code streamId} names the stream within that inbox.
 */
public sealed interface StreamEvent permits StreamEvent.Message, StreamEvent.End {

    String streamId();

    /**
     * One JSON-RPC message, as the raw text the client gets.
     *
     * @param last    this reply finishes a POST's stream
     * @param eventId the SSE event id it carries ({@link EventIds}), or null on a stream that cannot be resumed
     */
    record Message(String streamId, String raw, boolean last, String eventId) implements StreamEvent {

        /** A message on a stream that cannot be resumed. */
        public Message(String streamId, String raw, boolean last) {
            this(streamId, raw, last, null);
        }
    }

    /** The stream is over; {@code reason} says why. */
    record End(String streamId, String reason) implements StreamEvent {}
}
