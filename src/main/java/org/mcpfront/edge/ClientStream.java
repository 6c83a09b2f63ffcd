package org.mcpfront.edge;

/** A client-facing stream held by this edge verticle; sessions deliver to it through the inbox. */
interface ClientStream {

    /**
     * One message for the client; {@code last} when it completes what the stream was opened for;
     * {@code eventId} its SSE id on a resumable stream, else null.
     */
    void deliver(String raw, boolean last, String eventId);

    /** The session ended the stream. */
    void end(String reason);
}
