package org.mcpfront.bus;

/**
 * The edge asks its own supervisor, locally on {@code supervisor.adopt}, to carry on a session that no
 * instance serves (its instance died), or that did not answer in time (its instance may have died
 * before the cluster noticed). The reply is {@link #ADOPTED} when this request made this instance adopt
 * it, {@link #HERE} when this instance serves it already (for both, the edge sends a request that found
 * no session once more, locally: the cluster's view of the address may still name the dead instance; one
 * that timed out only after {@link #ADOPTED}, since a live session may have it), empty when another
 * instance serves it (the edge sends a request that found no session once more over the cluster), or a
 * failure whose code is the HTTP status to answer with (404: gone for good).
 *
 * @param owner what the request presents, as {@link SessionOwner#binding}: only the session's owner may
 *              bring it back
 */
public record SessionAdopt(String sessionId, String owner) {

    /** The reply when the session is served on this instance already. */
    public static final String HERE = "here";

    /** The reply when this request made this instance adopt the session. */
    public static final String ADOPTED = "adopted";
}
