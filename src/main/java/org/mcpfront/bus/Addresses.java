package org.mcpfront.bus;

/**
 * Every event-bus address mcp-front uses, in one place. Lower-case, dotted, {@code area.verb}.
 */
public final class Addresses {

    /** Local publish of the new {@link org.mcpfront.config.FrontConfig} after a valid edit of the file. */
    public static final String CONFIG_CHANGED = "config.changed";

    /** Local request to the supervisor: open a session ({@link SessionSpec}); the reply is its id. */
    public static final String SUPERVISOR_SESSIONS = "supervisor.sessions";

    /** Local notice to the supervisor that a session has ended ({@link SessionEnded}). */
    public static final String SUPERVISOR_SESSION_ENDED = "supervisor.session.ended";

    /** Local request to the supervisor: carry on a session whose instance died ({@link SessionAdopt}). */
    public static final String SUPERVISOR_ADOPT = "supervisor.adopt";

    /** Local request to the supervisor for its state, used by readiness checks. */
    public static final String SUPERVISOR_STATUS = "supervisor.status";

    /** Local request for the status page's report, gathered from every member ({@code JsonObject}). */
    public static final String STATUS_REPORT = "status.report";

    private static final String SESSION_PREFIX = "mcp.session.";
    private static final String STATUS_MEMBER_PREFIX = "status.member.";
    private static final String EDGE_PREFIX = "mcp.edge.";

    private Addresses() {}

    /** Where a session takes its {@link SessionCommand}s, from any member. */
    public static String sessionIn(String sessionId) {
        return SESSION_PREFIX + sessionId + ".in";
    }

    /** Where one member answers with what it holds (sessions, backends, activity), from any member. */
    public static String statusMember(String nodeId) {
        return STATUS_MEMBER_PREFIX + nodeId;
    }

    /** The inbox of one edge verticle: {@link StreamEvent}s for the client streams it holds. */
    public static String edgeInbox(String edgeId) {
        return EDGE_PREFIX + edgeId + ".out";
    }
}
