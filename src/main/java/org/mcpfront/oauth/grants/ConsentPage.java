package org.mcpfront.oauth.grants;

import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.util.List;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.identity.Identity;
import org.mcpfront.oauth.clients.RegisteredClient;
import org.mcpfront.pages.Html;

/**
 * The consent page (MCP security best practices, confused deputy): before any code is issued the
 * user sees which application asks, where the answer goes, and which MCP servers it will reach.
 */
final class ConsentPage {

    private ConsentPage() {}

    static void ask(
            HttpServerResponse response,
            RegisteredClient client,
            String redirectUri,
            List<String> routes,
            Identity who,
            String consent,
            String csrf) {
        String host = redirectHost(redirectUri);
        boolean loopback = RegisteredClient.isLoopbackHost(host);
        StringBuilder body = new StringBuilder();
        body.append("<p><strong>")
                .append(Html.escape(AuthorizeEndpoint.displayName(client)))
                .append("</strong>")
                .append(" wants to use MCP servers on your behalf.</p>");
        body.append("<p>Signed in as <strong>").append(Html.escape(who.email())).append("</strong>.</p>");
        body.append("<p>After you allow it, you return to <span class=\"host\">")
                .append(Html.escape(host))
                .append("</span>");
        if (loopback) {
            body.append(", a program on your own computer");
        }
        body.append(".</p>");
        if (client.metadataDocument()) {
            body.append("<p class=\"muted\">The application is identified by <span class=\"host\">")
                    .append(Html.escape(client.clientId()))
                    .append("</span>.</p>");
        } else {
            body.append("<p class=\"muted\">The application registered itself with this gateway; its name is its own "
                    + "claim. "
                    + "Allow only if you started this sign-in and expect to return to the address above.</p>");
        }
        body.append("<p>It will be able to use:</p><ul>");
        if (routes.isEmpty()) {
            body.append("<li>every MCP server on this gateway</li>");
        } else {
            for (String route : routes) {
                body.append("<li><code>").append(Html.escape(route)).append("</code></li>");
            }
        }
        body.append("</ul>");
        body.append("<form method=\"post\" action=\"" + ReservedPaths.CONSENT + "\">")
                .append("<input type=\"hidden\" name=\"consent\" value=\"")
                .append(Html.escape(consent))
                .append("\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"")
                .append(Html.escape(csrf))
                .append("\">")
                .append("<div class=\"actions\">")
                .append("<button type=\"submit\" name=\"decision\" value=\"allow\" class=\"primary\">Allow</button>")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>")
                .append("</div></form>");
        Html.send(response, 200, "Allow access?", body.toString());
    }

    static void refused(HttpServerResponse response, Identity who, String reason) {
        Html.send(
                response,
                403,
                "Access refused",
                "<p class=\"error\">" + Html.escape(reason) + "</p>"
                        + "<p class=\"muted\">You signed in as " + Html.escape(who.email())
                        + ". No access was granted to the application.</p>");
    }

    private static String redirectHost(String redirectUri) {
        try {
            URI uri = URI.create(redirectUri);
            return uri.getHost() == null ? redirectUri : uri.getHost();
        } catch (IllegalArgumentException e) {
            return redirectUri;
        }
    }
}
