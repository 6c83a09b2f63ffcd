package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.mcpfront.protocol.Era;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * The backend side of one session: speaks the route's backend transport. All methods are called on
 * the owning session's context, and the backend calls its {@link BackendListener} on that context.
 */
public interface Backend {

    /** Connects where the transport needs a connection before the first message (legacy SSE). */
    Future<Void> open();

    /** Forwards one client message; the outcome arrives through the listener. */
    void send(JsonRpcMessage message);

    /**
     * Forwards a 2026-07-28 tools/call with the {@code Mcp-Param-*} headers it came with (lower-case
     * name → value), for a backend that must check them because it cannot see them.
     */
    default void send(JsonRpcMessage message, JsonObject mirroredParams) {
        send(message);
    }

    /** The protocol version the client and backend agreed in {@code initialize}. */
    void protocolVersion(String version);

    /** The era mcp-front speaks to this backend; known once {@link #open()} completed. */
    default Era era() {
        return Era.LEGACY;
    }

    /**
     * Prepares to carry on a session adopted from an instance that died, before {@link #open()}: the
     * client's initialize, the agreed version, and the upstream session to take over if the transport
     * has one. False when this backend cannot carry an adopted session on.
     */
    default boolean resume(SessionFacts facts) {
        return false;
    }

    /**
     * A client of the session stopped reading: stop reading what the backend sends (it then stops
     * sending), rather than buffer it for the client. Called again only after {@link #resume()}.
     */
    default void pause() {}

    /** The clients read again: read the backend again. */
    default void resume() {}

    /** Ends the backend session (DELETE, or closing the stream); completes when done or given up. */
    Future<Void> close();
}
