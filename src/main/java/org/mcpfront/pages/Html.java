package org.mcpfront.pages;

import io.vertx.core.http.HttpServerResponse;

/**
 * The few HTML pages mcp-front shows a person (sign-in, consent, errors): one layout, escaped values,
 * and headers that keep them out of frames and caches.
 */
public final class Html {

    private Html() {}

    /** Escapes text for an HTML element or a double-quoted attribute. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A whole page around {@code bodyHtml} (already escaped where it holds values). */
    public static String page(String title, String bodyHtml) {
        return page(title, bodyHtml, "", "");
    }

    /**
     * The same layout widened for tables (the status page), with extra style rules and a script that
     * runs under {@code scriptNonce} ({@link #sendWide}).
     */
    public static String widePage(String title, String bodyHtml, String scriptNonce, String script) {
        return page(
                title, bodyHtml, WIDE_STYLE, "<script nonce=\"" + escape(scriptNonce) + "\">" + script + "</script>");
    }

    private static final String WIDE_STYLE = """
              main { max-width: 76rem; margin: 2rem auto; }
              h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
              table { border-collapse: collapse; width: 100%; font-size: .9rem; }
              th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6ec; vertical-align: top; }
              th { color: #5b6475; font-weight: 600; }
              .state { font-weight: 600; border-radius: 4px; padding: 0 .4em; }
              .state-up { background: #e3f4e6; color: #1b6b2a; }
              .state-down { background: #fbe4e4; color: #a11d1d; }
              .state-unknown, .state-not-probed { background: #eef0f4; color: #5b6475; }
              .reason { color: #5b6475; font-size: .85rem; max-width: 28rem; overflow-wrap: anywhere; }
            """;

    private static String page(String title, String bodyHtml, String extraStyle, String script) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · mcp-front</title>
                <style>
                  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
                  main { max-width: 30rem; margin: 4rem auto; background: #fff; border-radius: 12px;
                         padding: 2rem 2.25rem;
                         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
                  h1 { font-size: 1.35rem; margin: 0 0 1rem; }
                  .muted { color: #5b6475; font-size: .9rem; }
                  code, .host { font-family: ui-monospace, monospace; background: #eef0f4; padding: 0 .3em;
                                border-radius: 4px; }
                  ul { padding-left: 1.2rem; }
                  form { margin-top: 1.5rem; }
                  input[type=email] { width: 100%%; box-sizing: border-box; padding: .6rem; font-size: 1rem;
                                      border: 1px solid #c4c9d4; border-radius: 6px; }
                  .actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
                  button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: 6px; border: 1px solid #c4c9d4;
                           background: #fff; cursor: pointer; }
                  button.primary { background: #1f5eff; border-color: #1f5eff; color: #fff; }
                  .error { border-left: 4px solid #c62828; padding-left: 1rem; }
                %s</style>
                </head>
                <body><main>
                <h1>%s</h1>
                %s
                </main>%s</body>
                </html>
                """.formatted(escape(title), extraStyle, escape(title), bodyHtml, script);
    }

    /**
     * Sends a {@link #widePage}: the same headers as {@link #send}, except that the one script with
     * {@code scriptNonce} may run and fetch from this origin.
     */
    public static void sendWide(
            HttpServerResponse response, int status, String title, String bodyHtml, String scriptNonce, String script) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-" + scriptNonce
                                + "'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Referrer-Policy", "no-referrer")
                .end(widePage(title, bodyHtml, scriptNonce, script));
    }

    /** Sends a page with headers that forbid framing (clickjacking), scripts, caching and sniffing. */
    public static void send(HttpServerResponse response, int status, String title, String bodyHtml) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Referrer-Policy", "no-referrer")
                .end(page(title, bodyHtml));
    }
}
