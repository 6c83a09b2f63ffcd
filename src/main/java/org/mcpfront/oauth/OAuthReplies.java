package org.mcpfront.oauth;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mcpfront.pages.Html;

/** The answers of the OAuth endpoints: JSON documents, RFC 6749 errors, redirects and error pages. */
public final class OAuthReplies {

    private OAuthReplies() {}

    /** A JSON answer that no cache keeps (token responses must not be stored, RFC 6749 §5.1). */
    public static void json(HttpServerResponse response, int status, JsonObject body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                .end(body.encode());
    }

    /** An RFC 6749 §5.2 error. */
    public static void error(HttpServerResponse response, int status, String error, String description) {
        JsonObject body = new JsonObject().put("error", error);
        if (description != null) {
            body.put("error_description", description);
        }
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Basic realm=\"mcp-front\", error=\"" + error + "\"");
        }
        json(response, status, body);
    }

    /** A page for a person; used where a redirect would be unsafe (unknown client or redirect URI). */
    public static void errorPage(HttpServerResponse response, int status, String title, String message) {
        Html.send(
                response,
                status,
                title,
                "<p class=\"error\">" + Html.escape(message) + "</p>"
                        + "<p class=\"muted\">Start again from your MCP client. If this keeps happening, tell "
                        + "whoever runs this gateway.</p>");
    }

    /** A 303 to {@code base} with {@code params} added to its query. */
    public static void redirect(HttpServerResponse response, String base, Map<String, String> params) {
        StringBuilder url = new StringBuilder(base);
        char separator = base.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> param : params.entrySet()) {
            if (param.getValue() == null) {
                continue;
            }
            url.append(separator).append(encode(param.getKey())).append('=').append(encode(param.getValue()));
            separator = '&';
        }
        response.setStatusCode(303)
                .putHeader("Location", url.toString())
                .putHeader("Cache-Control", "no-store")
                .end();
    }

    /** An authorization error sent back to the client's redirect URI, with {@code state} and {@code iss}. */
    public static void redirectError(
            HttpServerResponse response,
            String redirectUri,
            String error,
            String description,
            String state,
            String issuer) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        params.put("state", state);
        params.put("iss", issuer);
        redirect(response, redirectUri, params);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
