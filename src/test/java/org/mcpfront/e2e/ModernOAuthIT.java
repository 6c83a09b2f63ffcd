package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.MatrixClient;
import org.mcpfront.testing.ModernServer;
import org.mcpfront.testing.ModernWire;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;

/**
 * A 2026-07-28 client's way in, as on the first request of Claude's connector: its opening gets the 401
 * and the route's protected-resource metadata, the metadata names the URL it connects to and mcp-front as
 * the authorization server, and a token from the real authorization-code flow (resource = that URL) opens
 * the route to the SDK v2 client pinned to 2026-07-28, but no other route.
 */
@DisplayName("2026-07-28 clients through mcp-front's OAuth")
@Timeout(120)
class ModernOAuthIT {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static final Pattern METADATA = Pattern.compile("resource_metadata=\"([^\"]+)\"");
    private static ModernServer backend;
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        backend = ModernServer.start(ModernServer.Era.MODERN);
        front = FrontHarness.startAsIssuer(FrontHarness.DEV_SIGN_IN, """
                - { path: "/modern", type: http, backend: "%1$s" }
                - { path: "/other", type: http, backend: "%1$s" }
                """.formatted(backend.url()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend);
    }

    @Test
    @DisplayName("401 and metadata on the opening, then a real token works on its route only")
    void signInAndCall() {
        String route = front.baseUrl() + "/modern/mcp";
        HttpResponse<String> opening = RawHttp.send(RawHttp.mcpPost(
                        route,
                        ModernWire.body("server-discover-probe-1", "server/discover", null, new JsonObject()),
                        null)
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "server/discover"));
        assertThat(opening.statusCode()).isEqualTo(401);
        Matcher metadataUrl = METADATA.matcher(
                opening.headers().firstValue("WWW-Authenticate").orElse(""));
        assertThat(metadataUrl.find()).isTrue();
        JsonObject metadata = new JsonObject(
                RawHttp.send(RawHttp.anonymous(metadataUrl.group(1))).body());
        assertThat(metadata.getString("resource")).isEqualTo(route);
        assertThat(metadata.getJsonArray("authorization_servers").getList()).containsExactly(front.baseUrl());

        JsonObject tokens = new OAuthBrowser(front.baseUrl()).tokens(REDIRECT, "ada@example.com", route);
        String bearer = tokens.getString("access_token");
        MatrixClient.Report report = MatrixClient.to(route, MatrixClient.Kind.V2_PIN)
                .header("Authorization", "Bearer " + bearer)
                .runPassing();
        assertThat(report.era()).isEqualTo("modern");

        HttpResponse<String> elsewhere = RawHttp.send(ModernWire.post(
                        front.baseUrl() + "/other/mcp", ModernWire.body(1, "tools/list", null, new JsonObject()))
                .setHeader("Authorization", "Bearer " + bearer));
        assertThat(elsewhere.statusCode())
                .as("a token for /modern is not good for /other")
                .isEqualTo(401);
    }
}
