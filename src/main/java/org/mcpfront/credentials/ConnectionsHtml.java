package org.mcpfront.credentials;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.RouteCredential;
import org.mcpfront.pages.Html;

/** The body of the connections page: one entry per route, its state and the form that changes it. */
final class ConnectionsHtml {

    record Row(RouteConfig route, Optional<ServiceCredential> credential) {}

    private ConnectionsHtml() {}

    static String body(String email, List<Row> rows, String csrf, Instant now) {
        StringBuilder body = new StringBuilder();
        body.append("<p>Signed in as <strong>").append(Html.escape(email)).append("</strong>.</p>");
        if (rows.isEmpty()) {
            body.append("<p class=\"muted\">None of the MCP servers you may use needs an account of your own.</p>");
            return body.toString();
        }
        body.append("<p class=\"muted\">These MCP servers act as you at the service behind them: connect your own "
                + "account to use them.</p><ul id=\"connections\">");
        for (Row row : rows) {
            String path = row.route().path();
            boolean connected = row.credential().isPresent();
            body.append("<li data-route=\"")
                    .append(Html.escape(path))
                    .append("\" data-state=\"")
                    .append(connected ? "connected" : "not-connected")
                    .append("\"><code>")
                    .append(Html.escape(path))
                    .append("</code>: ")
                    .append(state(row.credential(), now));
            RouteCredential credential = row.route().credential().orElseThrow();
            if (connected) {
                body.append(form(ConnectionsPage.DISCONNECT, path, csrf, "", "Disconnect", ""));
            } else if (credential instanceof RouteCredential.Token token) {
                if (!token.instructions().isBlank()) {
                    body.append("<p class=\"muted\">")
                            .append(Html.escape(token.instructions()))
                            .append("</p>");
                }
                body.append(form(
                        ConnectionsPage.TOKEN,
                        path,
                        csrf,
                        "<input type=\"password\" name=\"token\" autocomplete=\"off\" required "
                                + "aria-label=\"Token for " + Html.escape(path) + "\">",
                        "Save token",
                        " primary"));
            } else {
                body.append(form(ConnectionsPage.CONNECT, path, csrf, "", "Connect", " primary"));
            }
            body.append("</li>");
        }
        body.append("</ul>");
        return body.toString();
    }

    private static String state(Optional<ServiceCredential> credential, Instant now) {
        if (credential.isEmpty()) {
            return "<span class=\"state\">not connected</span>";
        }
        ServiceCredential c = credential.get();
        String expiry = c.expiresAt()
                .map(at -> at.isAfter(now)
                        ? ", token valid until " + at
                        : ", token expired at " + at + (c.refreshToken().isPresent() ? " (renewed on next use)" : ""))
                .orElse("");
        return "<span class=\"state\">connected</span> <span class=\"muted\">since " + c.connectedAt() + expiry
                + "</span>";
    }

    private static String form(String action, String route, String csrf, String field, String label, String kind) {
        return "<form method=\"post\" action=\"" + action + "\">"
                + "<input type=\"hidden\" name=\"route\" value=\"" + Html.escape(route) + "\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + Html.escape(csrf) + "\">"
                + field
                + "<div class=\"actions\"><button type=\"submit\" class=\"connection" + kind + "\">"
                + Html.escape(label) + "</button></div></form>";
    }
}
