package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mcpfront.testing.BrowserPages;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.ConformanceAuth;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.McpClient;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.OAuthClient;

/**
 * Real OAuth clients against mcp-front with the dev identity: the official MCP TypeScript SDK with its
 * OAuth client provider over both transports, headless Chromium on the sign-in and consent pages
 * (screenshots kept in {@code target/screenshots}), and the official conformance suite's
 * authorization scenarios.
 */
@DisplayName("OAuth clients")
@Timeout(300)
class OAuthClientsIT {

    private static EverythingServer backend;
    private static FrontHarness front;
    private static String issuer;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.startAsIssuer(FrontHarness.DEV_SIGN_IN, """
                - path: "/everything"
                  type: http
                  backend: "%s"
                - path: "/other"
                  type: http
                  backend: "%s"
                """.formatted(backend.url(), backend.url()));
        issuer = front.baseUrl();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend);
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(McpClient.Transport.class)
    @DisplayName("the TypeScript SDK client: 401, discovery, registration, sign-in, consent, calls, refresh rotation, "
            + "reuse, revocation")
    void typescriptSdk(McpClient.Transport transport) {
        String endpoint = transport == McpClient.Transport.STREAMABLE ? "mcp" : "sse";
        JsonObject report = OAuthClient.runWithResourceCheck(
                issuer + "/everything/" + endpoint, transport, "alice@example.com", issuer + "/other/" + endpoint);
        assertThat(report.getJsonObject("steps").fieldNames())
                .contains(
                        "unauthorized",
                        "metadata",
                        "register",
                        "authorize",
                        "token",
                        "initialize",
                        "tools/call",
                        "refresh",
                        "refresh-reuse",
                        "revoke");
    }

    @Test
    @DisplayName("the TypeScript SDK client's sign-in as a user of another domain ends on the refusal page")
    void refusedUser() {
        OAuthClient.runRefused(issuer + "/everything/mcp", McpClient.Transport.STREAMABLE, "mallory@other.org");
    }

    @Test
    @DisplayName("headless Chromium: the sign-in and consent pages render, and clicking Allow completes the flow")
    void pagesInChromium() throws Exception {
        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        JsonObject report =
                BrowserPages.authorizeNewClient(issuer, issuer + "/everything/mcp", "alice@example.com", screenshots);
        assertThat(Files.size(screenshots.resolve("signin.png"))).isGreaterThan(1000);
        assertThat(Files.size(screenshots.resolve("consent.png"))).isGreaterThan(1000);
        assertThat(report.getString("iss")).isEqualTo(issuer);

        OAuthBrowser browser = new OAuthBrowser(issuer);
        HttpResponse<String> token = browser.postForm(
                issuer + "/token",
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        report.getString("code"),
                        "redirect_uri",
                        report.getString("redirectUri"),
                        "code_verifier",
                        report.getString("codeVerifier"),
                        "client_id",
                        report.getString("clientId")));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    }

    @Test
    @DisplayName("the conformance suite's authorization scenarios pass")
    void conformance() {
        JsonObject report = ConformanceAuth.runPassing(issuer, "alice@example.com", issuer + "/everything/mcp");
        assertThat(report.encode()).contains("authorization-code-grant");
    }
}
