package org.mcpfront.bus;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import org.mcpfront.access.Visibility;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * What a session at {@code mcp.session.<id>.in} is asked to do. The session answers each with an empty
 * reply, or a failure whose code is an HTTP status the edge passes on. An unknown session has no
 * consumer, which the edge maps to 404; a session of another owner answers 404 too.
 */
public sealed interface SessionCommand permits SessionCommand.FromClient, SessionCommand.Evict {

    /**
     * A client's request, sent by the edge. {@link #owner} is what the request presents, as
     * {@link SessionOwner#binding}: user, OAuth client and route; a session answers only its owner.
     */
    sealed interface FromClient extends SessionCommand permits Deliver, Attach, Detach, Close, Resume, Flow {
        String owner();
    }

    /**
     * A JSON-RPC message from the client.
     *
     * @param stream       the client stream its replies belong on, or null (they go to the standalone stream)
     * @param jsonOnly     the client takes a single JSON answer, so nothing else may ride its stream
     * @param paramHeaders a 2026-07-28 tools/call's {@code Mcp-Param-*} headers (lower-case name → value),
     *                     for the session to check, or null
     * @param visibility   what the route's access rules let this request's user see, for the session to filter
     *                     list answers with (the edge has refused requests for hidden things already)
     */
    record Deliver(
            String owner,
            JsonRpcMessage message,
            StreamRef stream,
            boolean jsonOnly,
            JsonObject paramHeaders,
            Visibility visibility)
            implements FromClient {
        public Deliver {
            Objects.requireNonNull(message, "message");
            visibility = visibility == null ? Visibility.ALL : visibility;
        }
    }

    /** Makes {@code stream} the session's stream for server-initiated messages. */
    record Attach(String owner, StreamRef stream) implements FromClient {}

    /** The client of {@code stream} went away. */
    record Detach(String owner, StreamRef stream) implements FromClient {}

    /**
     * The client reconnected with {@code Last-Event-ID}: {@code stream} takes over the stream the id
     * belongs to, from the event after it. The reply is a {@link Resumed} name.
     */
    record Resume(String owner, String lastEventId, StreamRef stream) implements FromClient {
        public Resume {
            Objects.requireNonNull(lastEventId, "lastEventId");
            Objects.requireNonNull(stream, "stream");
        }
    }

    /** How a {@link Resume} went: the reply's body, as {@link #name()}. */
    enum Resumed {
        /** What the client missed follows on the new stream, then live events. */
        REPLAYING,
        /** The stream had finished and the client has all of it: nothing follows. */
        COMPLETE,
        /** The session no longer knows that stream (its buffer expired or was lost): the new stream starts afresh. */
        UNKNOWN
    }

    /**
     * The client of {@code stream} stopped reading ({@code full}: the connection's write queue is full) or
     * drained it again: while any of its streams is full, the session pauses its backend.
     */
    record Flow(String owner, StreamRef stream, boolean full) implements FromClient {}

    /** The client ends the session. */
    record Close(String owner, String reason) implements FromClient {}

    /** The supervisor ends the session (its route was removed): not a client's request, so no owner. */
    record Evict(String reason) implements SessionCommand {}
}
