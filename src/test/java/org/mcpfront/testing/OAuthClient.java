package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The official MCP TypeScript SDK client going through mcp-front's whole OAuth flow
 * ({@code src/test/node/oauth-client.mjs}): 401, metadata, registration, dev sign-in, consent,
 * token, MCP calls, refresh rotation and reuse, revocation. The report names each step.
 */
public final class OAuthClient {

    private OAuthClient() {}

    /** Signs in as {@code email} (dev identity) and runs every step against {@code url}. */
    public static NodeScript.Result run(String url, McpClient.Transport transport, String email, String... extraArgs) {
        List<String> args = new ArrayList<>(
                List.of("--url", url, "--transport", transport.name().toLowerCase(), "--email", email));
        args.addAll(List.of(extraArgs));
        return NodeScript.run(Duration.ofSeconds(120), NodeTools.node(), "oauth-client.mjs", args);
    }

    /** Runs and fails with the whole report unless every step passed. */
    public static JsonObject runPassing(String url, McpClient.Transport transport, String email, String... extraArgs) {
        return passing(
                run(url, transport, email, extraArgs),
                "the OAuth client failed against " + url + " (" + transport + ")");
    }

    /** Runs expecting the sign-in of {@code email} to end on the refusal page (403, no code). */
    public static JsonObject runRefused(String url, McpClient.Transport transport, String email) {
        return passing(
                run(url, transport, email, "--expect-refusal"),
                "the sign-in of " + email + " was not refused at " + url);
    }

    /** Also checks that the token issued for {@code url} is refused (401) at {@code otherRouteUrl}. */
    public static JsonObject runWithResourceCheck(
            String url, McpClient.Transport transport, String email, String otherRouteUrl) {
        return runPassing(url, transport, email, "--resource-check", otherRouteUrl);
    }

    static JsonObject passing(NodeScript.Result result, String what) {
        if (result.exitCode() != 0) {
            throw new AssertionError(what + ", exit " + result.exitCode() + "\nstdout:\n" + result.stdout()
                    + "\nstderr:\n" + result.stderr());
        }
        return result.report();
    }
}
