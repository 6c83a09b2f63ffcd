package org.mcpfront.session;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * The messages exchanged between the edge and a session over the event bus. Towards the session the
 * body is the edge's parsed {@link org.mcpfront.transport.JsonRpcMessage} (see
 * {@link org.mcpfront.bus.JsonRpcCodec}), towards the edge the raw JSON-RPC text; everything else
 * travels in headers, so nothing is parsed twice or re-serialised on the way.
 *
 * <p>Edge → {@code mcp.session.<id>.in}: {@code op} is one of {@link #MESSAGE} (with an optional
 * {@link #STREAM} the replies belong on), {@link #ATTACH} / {@link #DETACH} (the standalone stream),
 * or {@link #CLOSE}; every one carries the {@link #OWNER} of the request. The session answers each
 * with an empty reply, or a failure whose code is an HTTP status the edge passes on. An unknown
 * session has no consumer, which the edge maps to 404; a session of another user answers 404 too.
 * The supervisor sends {@link #EVICT} with a {@link #REASON} to end a session of a removed route.
 *
 * <p>Session → the edge's inbox: {@code op} {@link #MESSAGE} (with {@link #LAST} on the reply that
 * finishes a POST stream) or {@link #END} (the stream is over, {@link #REASON} says why).
 */
public final class SessionProtocol {

    public static final String OP = "op";
    public static final String STREAM = "stream";
    public static final String JSON_ONLY = "json-only";
    /** A 2026-07-28 tools/call's {@code Mcp-Param-*} headers, as a JSON object (lower-case name → value). */
    public static final String PARAM_HEADERS = "param-headers";
    public static final String LAST = "last";
    public static final String REASON = "reason";
    /**
     * Who sent the request, as {@link org.mcpfront.bus.SessionOwner#binding}: user, OAuth client and route; a session
     * answers only its owner on its own route.
     */
    public static final String OWNER = "owner";

    public static final String MESSAGE = "message";
    public static final String ATTACH = "attach";
    public static final String DETACH = "detach";
    public static final String CLOSE = "close";
    /** The supervisor ends a session (route removed): not a client's request, so no owner. */
    public static final String EVICT = "evict";
    public static final String END = "end";

    private SessionProtocol() {
    }

    public static DeliveryOptions op(String op) {
        return new DeliveryOptions().addHeader(OP, op);
    }
}
