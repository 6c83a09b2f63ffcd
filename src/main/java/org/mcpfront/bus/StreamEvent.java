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
     * @param last this reply finishes a POST's stream
     */
    record Message(String streamId, String raw, boolean last) implements StreamEvent {
    }

    /** The stream is over; {@code reason} says why. */
    record End(String streamId, String reason) implements StreamEvent {
    }
}
