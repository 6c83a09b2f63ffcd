package org.mcpfront.session;

/** What a {@link Backend} reports to its session. */
public interface BackendListener {

    /**
     * A message from the backend, exactly as it arrived.
     *
     * @param relatedIdKey the client request whose response stream carried it, when the transport
     *                     tells (Streamable HTTP); null otherwise
     */
    void onMessage(String raw, String relatedIdKey);

    /** Whether the client request with this id still waits for its response. */
    boolean awaitingResponse(String idKey);

    /**
     * The id the client gave a request, as JSON text: sessions of 2026-07-28 clients give each request
     * a session-unique id of their own on the way in, and put the client's back on the way out.
     */
    default String clientIdKey(String idKey) {
        return idKey;
    }

    /** One request failed at the HTTP level; the session lives on. */
    void onRequestFailed(String idKey, String reason);

    /**
     * The backend's connection is gone with every request in flight (a legacy SSE backend's stream broke):
     * they fail; the session stays while the backend may come back.
     */
    default void onInFlightLost(String reason) {}

    /**
     * The backend forgot mcp-front's upstream session (it restarted) and a new one was opened in the
     * client's name: the client's session carries on.
     */
    default void onUpstreamReopened(String reason) {}

    /**
     * The backend could not be reached ({@code reachable} false, once per outage: client messages now wait
     * for it) or can be again (true, {@code detail} says after how long). The session stays either way.
     */
    default void onBackendReachable(boolean reachable, String detail) {}

    /** The backend gave mcp-front's upstream session this id (Streamable HTTP), at initialize or on a reopen. */
    default void onUpstreamSession(String upstreamSessionId) {}

    /** The backend is gone (unreachable, stream cut, session expired): the session must end. */
    void onFailure(String kind, String reason);
}
