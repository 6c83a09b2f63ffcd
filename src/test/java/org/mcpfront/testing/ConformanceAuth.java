package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The official conformance suite's authorization-server mode (0.2.0 pre-release, on Node 22) run
 * against an issuer by {@code src/test/node/conformance-auth.mjs}, which registers a client and does
 * the sign-in headlessly. The report's {@code scenarios} object holds each scenario's checks.
 */
public final class ConformanceAuth {

    private ConformanceAuth() {}

    /** Runs every authorization scenario; {@code resource} (a route's MCP URL) may be null. */
    public static NodeScript.Result run(String issuer, String email, String resource) {
        NodeTools.node22();
        List<String> args = new ArrayList<>(List.of("--issuer", issuer, "--email", email));
        if (resource != null) {
            args.addAll(List.of("--resource", resource));
        }
        return NodeScript.run(Duration.ofSeconds(150), NodeTools.node(), "conformance-auth.mjs", args);
    }

    /** Runs and fails with the whole report unless every scenario passed. */
    public static JsonObject runPassing(String issuer, String email, String resource) {
        return OAuthClient.passing(
                run(issuer, email, resource), "the authorization conformance scenarios failed against " + issuer);
    }
}
