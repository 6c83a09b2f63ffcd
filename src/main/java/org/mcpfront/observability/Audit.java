package org.mcpfront.observability;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The audit trail: one line per sign-in, token grant, refusal and tool call, on the logger named
 * {@code audit}, each with {@code audit=true} and {@code event} plus whichever of {@code user} (email),
 * {@code client_id}, {@code route} and {@code session} the event knows. Filter on {@code audit=true}
 * (in Cloud Logging: {@code jsonPayload.audit=true}). logback.xml keeps this logger at INFO whatever
 * {@code LOG_LEVEL} says.
 *
 * <p>Lines carry names, ids, reasons and outcomes only: never tool arguments, tokens, codes or
 * secrets. Keep it so when adding a field here.
 */
public final class Audit {

    /** Tool names come from the client and go into audit lines: longer ones are cut. */
    private static final int MAX_TOOL_NAME = 200;

    private static final Logger log = LoggerFactory.getLogger("audit");
    /** The status page's in-memory view of these lines. */
    private static final AuditTrail TRAIL = AuditTrail.process();

    private Audit() {}

    /** The user signed in (to mcp-front's own pages: no route): {@code audience} is what was granted, if anything. */
    public static void signIn(String user, String clientId, List<String> audience) {
        line(Level.INFO, "sign_in", "signed in and allowed access", user, clientId, null, null)
                .addKeyValue("audience", String.join(" ", audience))
                .log();
        TRAIL.active(user, null);
    }

    /**
     * The user signed in and allowed the client for {@code routes} (route paths; empty: every route): an
     * authorization code was issued for {@code audience}. The status page lists the routes with the user.
     */
    public static void signIn(String user, String clientId, List<String> audience, List<String> routes) {
        line(Level.INFO, "sign_in", "signed in and allowed access", user, clientId, null, null)
                .addKeyValue("audience", String.join(" ", audience))
                .log();
        TRAIL.signedIn(user, routes);
    }

    /**
     * A user's own credential at the service behind {@code route}: {@code event} is {@code credential_connected},
     * {@code credential_refreshed}, {@code credential_refresh_failed}, {@code credential_disconnected} or
     * {@code credential_used} (once per token and instance); {@code detail} says how (oauth, token, user,
     * grant_revoked) or why. Never the token.
     */
    public static void credential(String event, String message, String user, String route, String detail) {
        LoggingEventBuilder line = line(Level.INFO, event, message, user, null, route, null);
        if (detail != null && !detail.isEmpty()) {
            line.addKeyValue("detail", detail);
        }
        line.log();
    }

    /** The identity provider, the admission rules or a browser check turned a sign-in down. */
    public static void signInRefused(String user, String clientId, String reason) {
        line(Level.WARN, "sign_in_refused", "sign-in refused", user, clientId, null, null)
                .addKeyValue("reason", reason)
                .log();
        TRAIL.refused("sign_in_refused", user, clientId, null, reason);
    }

    public static void consentDenied(String user, String clientId) {
        line(Level.INFO, "consent_denied", "the user denied access", user, clientId, null, null)
                .log();
        TRAIL.refused("consent_denied", user, clientId, null, "the user denied access");
    }

    public static void tokenIssued(String user, String clientId, String grantType) {
        line(Level.INFO, "token_issued", "tokens issued", user, clientId, null, null)
                .addKeyValue("grant_type", grantType)
                .log();
    }

    /** A {@code /token} request answered with an RFC 6749 error; {@code clientId} is the one claimed. */
    public static void tokenRefused(String clientId, String grantType, String error, String reason) {
        LoggingEventBuilder line =
                line(Level.INFO, "token_refused", "token request refused", null, clientId, null, null);
        if (grantType != null) {
            line.addKeyValue("grant_type", grantType);
        }
        line.addKeyValue("error", error).addKeyValue("reason", reason).log();
        TRAIL.refused("token_refused", null, clientId, null, error + ": " + reason);
    }

    /** A client revoked one of its tokens; {@code tokenType} is {@code refresh_token} or {@code access_token}. */
    public static void tokenRevoked(String user, String clientId, String tokenType) {
        line(Level.INFO, "token_revoked", "token revoked by its client", user, clientId, null, null)
                .addKeyValue("token_type", tokenType)
                .log();
    }

    public static void refreshReuseDetected(String user, String clientId) {
        line(
                        Level.WARN,
                        "refresh_reuse_detected",
                        "a rotated refresh token was used again; its whole family is revoked",
                        user,
                        clientId,
                        null,
                        null)
                .log();
        TRAIL.refused("refresh_reuse_detected", user, clientId, null, "a rotated refresh token was used again");
    }

    public static void codeReplayDetected(String user, String clientId) {
        line(
                        Level.WARN,
                        "code_replay_detected",
                        "an authorization code was redeemed twice; the tokens it issued are revoked",
                        user,
                        clientId,
                        null,
                        null)
                .log();
        TRAIL.refused("code_replay_detected", user, clientId, null, "an authorization code was redeemed twice");
    }

    /**
     * An MCP request refused at the edge (no token, a bad one, or one for another route); {@code user}
     * and {@code clientId} only when the token checked out.
     */
    public static void accessRefused(String route, String reason, String user, String clientId) {
        line(Level.INFO, "access_refused", "access refused", user, clientId, route, null)
                .addKeyValue("reason", reason)
                .log();
        TRAIL.refused("access_refused", user, clientId, route, reason);
    }

    /**
     * A route's access rules refused a request: {@code subject} is what was refused ({@code route}, {@code tool},
     * {@code prompt} or {@code resource}), {@code name} its name (the route's path, a tool's name, a resource's
     * URI) and {@code rule} the rule that decided ({@code access.users}, {@code access.tools[0] deny [delete_*]}).
     */
    public static void accessDenied(
            String user, String clientId, String route, String subject, String name, String rule) {
        String cut = name == null ? "" : name.length() > MAX_TOOL_NAME ? name.substring(0, MAX_TOOL_NAME) : name;
        line(Level.INFO, "access_denied", "refused by the route's access rules", user, clientId, route, null)
                .addKeyValue("decision", "denied")
                .addKeyValue("subject", subject)
                .addKeyValue("name", cut)
                .addKeyValue("rule", rule)
                .log();
    }

    /**
     * A user sent a route more requests than {@code access.rate_limit} lets one user send in a window; one line
     * per user, route and window (the first refusal), not one per refused request.
     */
    public static void rateLimited(String user, String clientId, String route, String limit, long retryAfterSeconds) {
        line(Level.INFO, "rate_limited", "per-user rate limit reached", user, clientId, route, null)
                .addKeyValue("decision", "denied")
                .addKeyValue("rule", "access.rate_limit " + limit)
                .addKeyValue("retry_after_s", retryAfterSeconds)
                .log();
    }

    /**
     * A user asked for one session more than {@code max_sessions_per_user} lets them hold on a route (counted
     * across the cluster); {@code held} is the limit they reached.
     */
    public static void sessionLimited(String user, String clientId, String route, int held) {
        line(Level.INFO, "session_limited", "per-user session limit reached", user, clientId, route, null)
                .addKeyValue("decision", "denied")
                .addKeyValue("rule", "max_sessions_per_user " + held)
                .log();
    }

    /** A backend forgot a session's upstream session and mcp-front opened a new one, keeping the client's. */
    public static void upstreamReopened(String user, String clientId, String route, String session, String reason) {
        line(Level.INFO, "upstream_reopened", "upstream session reopened", user, clientId, route, session)
                .addKeyValue("reason", reason)
                .log();
    }

    /**
     * A session's backend could not be reached (its messages wait for it) or can be again: {@code
     * backend_unreachable} and {@code backend_reachable}, with what happened in {@code detail}.
     */
    public static void backendReachable(
            String user, String clientId, String route, String session, boolean reachable, String detail) {
        line(
                        Level.INFO,
                        reachable ? "backend_reachable" : "backend_unreachable",
                        reachable ? "backend reachable again" : "backend unreachable",
                        user,
                        clientId,
                        route,
                        session)
                .addKeyValue("detail", detail)
                .log();
    }

    /** A session whose instance died was adopted by this one ({@code fromNode}: the dead instance). */
    public static void sessionAdopted(String user, String clientId, String route, String session, String fromNode) {
        line(Level.INFO, "session_adopted", "session adopted", user, clientId, route, session)
                .addKeyValue("from_node", fromNode)
                .log();
    }

    /** The tool name an audit line carries: {@code params.name} of the call, cut when the client sent a long one. */
    public static String toolName(JsonObject params) {
        String name = params.getValue("name") instanceof String text ? text : "";
        return name.length() > MAX_TOOL_NAME ? name.substring(0, MAX_TOOL_NAME) : name;
    }

    /**
     * A {@code tools/call} answered: {@code outcome} is {@code ok}, {@code error} (with the JSON-RPC
     * {@code errorCode}), {@code tool_error} ({@code isError} in the result), {@code timeout},
     * {@code backend_failed}, {@code cancelled} or {@code session_ended}; {@code era} the MCP era the client
     * spoke ({@code 2025}, {@code 2026}), {@code backendEra} the one the backend was spoken to in.
     */
    public static void toolCall(
            String user,
            String clientId,
            String route,
            String session,
            String tool,
            long durationMs,
            String outcome,
            Integer errorCode,
            String era,
            String backendEra) {
        toolCall(user, clientId, route, session, tool, durationMs, outcome, errorCode, era, backendEra, "default");
    }

    /**
     * The same, with the access rule that let the call through ({@code default} when no rule spoke), carried as
     * {@code decision=allowed} and {@code rule}: refused calls never reach a backend and are
     * {@link #accessDenied} lines instead.
     */
    public static void toolCall(
            String user,
            String clientId,
            String route,
            String session,
            String tool,
            long durationMs,
            String outcome,
            Integer errorCode,
            String era,
            String backendEra,
            String rule) {
        LoggingEventBuilder line = line(Level.INFO, "tool_call", "tool call", user, clientId, route, session)
                .addKeyValue("tool", tool)
                .addKeyValue("duration_ms", durationMs)
                .addKeyValue("outcome", outcome)
                .addKeyValue("era", era)
                .addKeyValue("backend_era", backendEra)
                .addKeyValue("decision", "allowed")
                .addKeyValue("rule", rule);
        if (errorCode != null) {
            line.addKeyValue("error_code", errorCode);
        }
        line.log();
        TRAIL.active(user, route);
    }

    private static LoggingEventBuilder line(
            Level level, String event, String message, String user, String clientId, String route, String session) {
        LoggingEventBuilder line = log.atLevel(level)
                .setMessage(message)
                .addKeyValue("audit", true)
                .addKeyValue("event", event);
        // Absent fields are left out rather than written as null, so queries can test for presence.
        if (user != null) {
            line.addKeyValue("user", user);
        }
        if (clientId != null) {
            line.addKeyValue("client_id", clientId);
        }
        if (route != null) {
            line.addKeyValue("route", route);
        }
        if (session != null) {
            line.addKeyValue("session", session);
        }
        return line;
    }
}
