package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The official MCP TypeScript SDK client ({@code src/test/node/client.mjs}) run against a URL. */
public final class McpClient {

    public enum Transport {
        STREAMABLE,
        SSE
    }

    private McpClient() {}

    /**
     * Runs the client's scenario with the tests' bearer token (a later {@code --header Authorization}
     * in {@code extraArgs} replaces it); the report says which steps passed.
     */
    public static NodeScript.Result run(String url, Transport transport, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--url",
                url,
                "--transport",
                transport.name().toLowerCase(),
                "--header",
                "Authorization: " + TestTokens.bearer()));
        args.addAll(List.of(extraArgs));
        return NodeScript.run(Duration.ofSeconds(90), NodeTools.node(), "client.mjs", args);
    }

    /** Runs and fails with the whole report unless every step passed. */
    public static JsonObject runPassing(String url, Transport transport, String... extraArgs) {
        NodeScript.Result result = run(url, transport, extraArgs);
        if (result.exitCode() != 0) {
            throw new AssertionError("the MCP client failed against " + url + " (" + transport + "), exit "
                    + result.exitCode() + "\nstdout:\n" + result.stdout() + "\nstderr:\n" + result.stderr());
        }
        return result.report();
    }
}
