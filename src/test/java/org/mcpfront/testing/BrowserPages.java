package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * mcp-front's sign-in and consent pages in headless Chromium ({@code src/test/node/pages.mjs},
 * playwright-core driving Debian's {@code /usr/bin/chromium}). The report holds the code, state,
 * iss and the screenshots {@code signin.png} and {@code consent.png}.
 */
public final class BrowserPages {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private BrowserPages() {}

    /**
     * Opens {@code authorizeUrl}, whose redirect_uri must be {@code http://127.0.0.1:<port>/...} with
     * a free port: the script serves that port to receive the code.
     */
    public static JsonObject authorize(String authorizeUrl, String email, Path screenshots) {
        return run(List.of("--authorize-url", authorizeUrl, "--email", email, "--out", screenshots.toString()));
    }

    /**
     * Registers a client at {@code issuer} itself and builds the URL; the report adds
     * {@code clientId}, {@code codeVerifier} and {@code redirectUri} for redeeming the code.
     */
    public static JsonObject authorizeNewClient(String issuer, String resource, String email, Path screenshots) {
        return run(
                List.of("--issuer", issuer, "--resource", resource, "--email", email, "--out", screenshots.toString()));
    }

    /**
     * The status page script ({@code status-page.mjs}): signs in as a non-admin and as an admin, and
     * follows a route down and up on the open page; the report lists the screenshots.
     */
    public static JsonObject statusPage(List<String> args) {
        return run("status-page.mjs", args, Duration.ofSeconds(280), "the status page did not behave in the browser");
    }

    /**
     * The connections page script ({@code connections.mjs}): signs in as {@code email} and connects, pastes a
     * token for, or disconnects {@code route}; the report names the screenshot.
     */
    public static JsonObject connections(String url, String email, String route, String action, Path out) {
        return run(
                "connections.mjs",
                List.of("--url", url, "--email", email, "--route", route, "--action", action, "--out", out.toString()),
                Duration.ofSeconds(120),
                "the connections page did not behave in the browser");
    }

    /** The same, pasting {@code token} into the route's token form. */
    public static JsonObject connections(
            String url, String email, String route, String action, String token, Path out) {
        return run(
                "connections.mjs",
                List.of(
                        "--url",
                        url,
                        "--email",
                        email,
                        "--route",
                        route,
                        "--action",
                        action,
                        "--token",
                        token,
                        "--out",
                        out.toString()),
                Duration.ofSeconds(120),
                "the connections page did not behave in the browser");
    }

    private static JsonObject run(List<String> args) {
        return run(
                "pages.mjs",
                args,
                Duration.ofSeconds(120),
                "the browser did not get through the sign-in and consent pages");
    }

    private static JsonObject run(String script, List<String> args, Duration timeout, String what) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(
                    CHROMIUM + " is missing: the page tests need Debian's chromium; install it with "
                            + "`apt-get update && apt-get install -y chromium` (the .ci/run script does this)");
        }
        return OAuthClient.passing(NodeScript.run(timeout, NodeTools.node(), script, args), what);
    }
}
