package org.mcpfront.status;

import static org.mcpfront.pages.Html.escape;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.mcpfront.observability.AuditTrail;

/**
 * The status report as HTML: four tables (routes, members, users of the last hour, last refusals) in the
 * sign-in pages' layout. Every value is escaped; rows carry {@code data-} attributes with the route and
 * its state, for scripts and tests.
 */
public final class StatusPage {

    /** Seconds between refreshes of the open page. */
    static final int REFRESH_SECONDS = 5;

    /**
     * Fetches the page again and swaps the tables in place (keeping scroll position); on an answer that is
     * not the page (signed out, 403) it stops and says so rather than showing a stale report as current.
     */
    public static final String SCRIPT = """
            (function () {
              const every = %d * 1000;
              async function refresh() {
                try {
                  const response = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store",
                                                                    redirect: "manual" });
                  if (response.status !== 200) { document.getElementById("refreshed").textContent =
                      "Refresh stopped (HTTP " + response.status + "); reload the page."; return; }
                  const next = new DOMParser().parseFromString(await response.text(), "text/html");
                  const report = next.getElementById("report");
                  if (report) { document.getElementById("report").replaceWith(report); }
                } catch (e) {
                  document.getElementById("refreshed").textContent = "Refresh failed: " + e.message;
                }
                setTimeout(refresh, every);
              }
              setTimeout(refresh, every);
            })();
            """.formatted(REFRESH_SECONDS);

    private StatusPage() {}

    public static String body(JsonObject report, String viewer) {
        StringBuilder html = new StringBuilder();
        html.append("<div id=\"report\">");
        html.append("<p class=\"muted\" id=\"refreshed\">Signed in as ")
                .append(escape(viewer))
                .append(" · instance <code>")
                .append(escape(report.getString("instance")))
                .append("</code> · as of <time>")
                .append(escape(report.getString("generated_at")))
                .append("</time> · refreshes every ")
                .append(REFRESH_SECONDS)
                .append(" s</p>");
        routes(html, report.getJsonArray("routes", new JsonArray()));
        members(html, report.getJsonArray("members", new JsonArray()));
        users(html, report.getJsonArray("users", new JsonArray()));
        refusals(html, report.getJsonArray("refusals", new JsonArray()));
        html.append("</div>");
        return html.toString();
    }

    private static void routes(StringBuilder html, JsonArray routes) {
        html.append("<h2>Routes</h2><table id=\"routes\"><thead><tr><th>Route</th><th>Type</th><th>Era</th>"
                + "<th>Backend</th><th>Health</th><th>Last error</th><th>Sessions</th><th>Limits</th>"
                + "<th>Requests/min</th></tr></thead><tbody>");
        if (routes.isEmpty()) {
            html.append("<tr><td colspan=\"9\" class=\"muted\">No routes are configured.</td></tr>");
        }
        for (Object item : routes) {
            JsonObject route = (JsonObject) item;
            JsonObject health = route.getJsonObject("health", new JsonObject());
            String state = health.getString("state", "unknown");
            JsonObject limits = route.getJsonObject("limits", new JsonObject());
            html.append("<tr data-route=\"")
                    .append(escape(route.getString("path")))
                    .append("\" data-health=\"")
                    .append(escape(state))
                    .append("\">")
                    .append("<td><code>")
                    .append(escape(route.getString("path")))
                    .append("</code></td>")
                    .append("<td>")
                    .append(escape(route.getString("type")))
                    .append("</td>")
                    .append("<td>")
                    .append(escape(route.getString("era")))
                    .append("</td>")
                    .append("<td class=\"reason\">")
                    .append(escape(route.getString("backend")))
                    .append("</td>")
                    .append("<td><span class=\"state state-")
                    .append(escape(state.replace(' ', '-')))
                    .append("\">")
                    .append(escape(state))
                    .append("</span>");
            if (health.containsKey("since")) {
                html.append("<div class=\"reason\">since ")
                        .append(escape(health.getString("since")))
                        .append("</div>");
            }
            html.append("</td><td class=\"reason\">")
                    .append(lastError(health))
                    .append("</td>")
                    .append("<td>")
                    .append(route.getInteger("sessions", 0))
                    .append("</td>")
                    .append("<td class=\"reason\">")
                    .append(limits.getInteger("max_sessions", 0))
                    .append(" sessions, ")
                    .append(limits.getInteger("max_sessions_per_user", 0))
                    .append(" per user</td>")
                    .append("<td>")
                    .append(route.getLong("requests_last_minute", 0L))
                    .append("</td></tr>");
        }
        html.append("</tbody></table>");
    }

    private static String lastError(JsonObject health) {
        JsonObject last = health.getJsonObject("last_error");
        if (last == null) {
            return "";
        }
        String reason = last.getString("reason");
        return escape(last.getString("kind")) + (reason == null ? "" : ": " + escape(reason)) + "<div>"
                + escape(last.getString("at")) + "</div>";
    }

    private static void members(StringBuilder html, JsonArray members) {
        html.append("<h2>Cluster members</h2><table id=\"members\"><thead><tr><th>Member</th><th>Sessions</th>"
                + "<th>By route</th></tr></thead><tbody>");
        for (Object item : members) {
            JsonObject member = (JsonObject) item;
            html.append("<tr data-node=\"")
                    .append(escape(member.getString("node")))
                    .append("\"><td><code>")
                    .append(escape(member.getString("node")))
                    .append("</code>")
                    .append(member.getBoolean("self", false) ? " (this one)" : "")
                    .append("</td>");
            if (!member.getBoolean("reachable", false)) {
                html.append("<td colspan=\"2\" class=\"reason\">did not answer: ")
                        .append(escape(member.getString("reason")))
                        .append("</td></tr>");
                continue;
            }
            StringBuilder byRoute = new StringBuilder();
            member.getJsonObject("routes", new JsonObject())
                    .forEach(e -> byRoute.append(byRoute.isEmpty() ? "" : ", ")
                            .append(escape(e.getKey()))
                            .append(": ")
                            .append(e.getValue()));
            html.append("<td>")
                    .append(member.getInteger("sessions", 0))
                    .append(" of ")
                    .append(member.getInteger("max_sessions", 0))
                    .append("</td><td class=\"reason\">")
                    .append(byRoute)
                    .append("</td></tr>");
        }
        html.append("</tbody></table>");
    }

    private static void users(StringBuilder html, JsonArray users) {
        html.append("<h2>Users of the last hour</h2><table id=\"users\"><thead><tr><th>User</th><th>Routes</th>"
                + "<th>Last seen</th></tr></thead><tbody>");
        if (users.isEmpty()) {
            html.append("<tr><td colspan=\"3\" class=\"muted\">Nobody signed in or called a tool.</td></tr>");
        }
        for (Object item : users) {
            JsonObject user = (JsonObject) item;
            StringBuilder routes = new StringBuilder();
            user.getJsonArray("routes", new JsonArray())
                    .forEach(r -> routes.append(routes.isEmpty() ? "" : ", ")
                            .append(AuditTrail.EVERY_ROUTE.equals(r) ? "every route" : escape(String.valueOf(r))));
            html.append("<tr><td>")
                    .append(escape(user.getString("user")))
                    .append("</td><td>")
                    .append(routes)
                    .append("</td><td>")
                    .append(escape(user.getString("last_seen")))
                    .append("</td></tr>");
        }
        html.append("</tbody></table>");
    }

    private static void refusals(StringBuilder html, JsonArray refusals) {
        html.append("<h2>Last refusals</h2><table id=\"refusals\"><thead><tr><th>When</th><th>What</th><th>User</th>"
                + "<th>Route</th><th>Why</th></tr></thead><tbody>");
        if (refusals.isEmpty()) {
            html.append("<tr><td colspan=\"5\" class=\"muted\">None.</td></tr>");
        }
        for (Object item : refusals) {
            JsonObject refusal = (JsonObject) item;
            html.append("<tr><td>")
                    .append(escape(refusal.getString("at")))
                    .append("</td><td>")
                    .append(escape(refusal.getString("event")))
                    .append("</td><td>")
                    .append(escape(refusal.getString("user", refusal.getString("client_id", ""))))
                    .append("</td><td>")
                    .append(escape(refusal.getString("route", "")))
                    .append("</td><td class=\"reason\">")
                    .append(escape(refusal.getString("reason", "")))
                    .append("</td></tr>");
        }
        html.append("</tbody></table>");
    }
}
