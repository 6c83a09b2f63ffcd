package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.observability.LogEncoder;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;

/**
 * The audit trail end to end: a real sign-in, token requests and tool calls through mcp-front, and
 * the audit lines they leave, with nothing secret in them.
 */
@DisplayName("The audit log")
@Timeout(120)
class AuditLogIT {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static EverythingServer backend;
    private static FrontHarness front;
    private static String issuer;
    private LogCapture logs;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.startAsIssuer(FrontHarness.DEV_SIGN_IN, """
                - path: "/a"
                  type: http
                  backend: "%s"
                - path: "/b"
                  type: http
                  backend: "%s"
                """.formatted(backend.url(), backend.url()));
        issuer = front.baseUrl();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend);
    }

    @BeforeEach
    void capture() {
        logs = new LogCapture();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    /** A user of its own per test, so that lines of other tests never match. */
    private static String user() {
        return "u" + Secrets.random().substring(0, 8).toLowerCase() + "@example.com";
    }

    private Map<String, String> await(String event, Map<String, String> expected) {
        ILoggingEvent found = logs.await(
                        e -> "audit".equals(e.getLoggerName())
                                && event.equals(LogCapture.fields(e).get("event"))
                                && LogCapture.fields(e).entrySet().containsAll(expected.entrySet()),
                        Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("no audit line " + event + " with " + expected + " among\n"
                        + String.join("", rendered(false))));
        Map<String, String> fields = LogCapture.fields(found);
        assertThat(fields).containsEntry("audit", "true");
        return fields;
    }

    /** Every audit line so far, as the log would print it. */
    private List<String> rendered(boolean json) {
        LogEncoder encoder = new LogEncoder();
        encoder.setJson(json);
        return logs.events().stream()
                .filter(e -> "audit".equals(e.getLoggerName()))
                .map(e -> new String(encoder.encode(e), StandardCharsets.UTF_8))
                .toList();
    }

    private void assertNoAuditLineContains(String... secrets) {
        for (boolean json : List.of(true, false)) {
            for (String line : rendered(json)) {
                for (String secret : secrets) {
                    assertThat(line).as("an audit line").doesNotContain(secret);
                }
            }
        }
    }

    private static HttpResponse<String> mcp(String route, String accessToken, String session, String body) {
        HttpRequest.Builder request = RawHttp.anonymous(issuer + route + "/mcp")
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + accessToken)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return RawHttp.send(request);
    }

    private static String toolCall(int id, String tool, String message) {
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", "tools/call")
                .put(
                        "params",
                        new JsonObject().put("name", tool).put("arguments", new JsonObject().put("message", message)))
                .encode();
    }

    @Test
    @DisplayName("a sign-in, the code exchange and a refresh each leave one line with user and client")
    void signInAndTokens() {
        String user = user();
        OAuthBrowser browser = new OAuthBrowser(issuer);
        JsonObject tokens = browser.tokens(REDIRECT, user);
        String clientId = tokens.getString("client_id");

        Map<String, String> signIn = await("sign_in", Map.of("user", user, "client_id", clientId));
        assertThat(signIn).containsKey("audience");
        await("token_issued", Map.of("user", user, "client_id", clientId, "grant_type", "authorization_code"));

        HttpResponse<String> rotated = browser.refresh(clientId, tokens.getString("refresh_token"));
        assertThat(rotated.statusCode()).isEqualTo(200);
        await("token_issued", Map.of("user", user, "client_id", clientId, "grant_type", "refresh_token"));
        JsonObject second = new JsonObject(rotated.body());
        HttpResponse<String> again = browser.refresh(clientId, second.getString("refresh_token"));
        assertThat(again.statusCode()).isEqualTo(200);

        // Older than the token rotated last: reuse, not a retry within oauth.refresh_grace.
        assertThat(browser.refresh(clientId, tokens.getString("refresh_token")).statusCode())
                .isEqualTo(400);
        await("refresh_reuse_detected", Map.of("user", user, "client_id", clientId));
        await("token_refused", Map.of("client_id", clientId, "grant_type", "refresh_token", "error", "invalid_grant"));

        assertThat(browser.revoke(clientId, second.getString("access_token")).statusCode())
                .isEqualTo(200);
        await("token_revoked", Map.of("user", user, "client_id", clientId, "token_type", "access_token"));

        assertThat(logs.events().stream()
                        .filter(e -> "audit".equals(e.getLoggerName())
                                && "sign_in".equals(LogCapture.fields(e).get("event"))
                                && user.equals(LogCapture.fields(e).get("user"))))
                .as("one line per sign-in")
                .hasSize(1);
        assertNoAuditLineContains(
                tokens.getString("access_token"),
                tokens.getString("refresh_token"),
                second.getString("access_token"),
                second.getString("refresh_token"));
    }

    @Test
    @DisplayName("a refused user, a denied consent, a replayed code and a bad client are recorded")
    void refusals() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String clientId = browser.register(REDIRECT);

        browser.signIn(browser.authorization(clientId, REDIRECT), "mallory@other.org");
        Map<String, String> refused =
                await("sign_in_refused", Map.of("user", "mallory@other.org", "client_id", clientId));
        assertThat(refused).containsKey("reason");

        String user = user();
        browser.consent(browser.signIn(browser.authorization(clientId, REDIRECT), user), "deny");
        await("consent_denied", Map.of("user", user, "client_id", clientId));

        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT);
        String code = browser.authorize(authorization, user);
        assertThat(browser.exchange(authorization, code).statusCode()).isEqualTo(200);
        assertThat(browser.exchange(authorization, code).statusCode()).isEqualTo(400);
        await("code_replay_detected", Map.of("user", user, "client_id", clientId));
        await(
                "token_refused",
                Map.of("client_id", clientId, "grant_type", "authorization_code", "error", "invalid_grant"));

        assertThat(browser.refresh("no-such-client", "whatever").statusCode()).isEqualTo(401);
        await("token_refused", Map.of("client_id", "no-such-client", "error", "invalid_client"));
        assertNoAuditLineContains(code);
    }

    @Test
    @DisplayName("requests without a good token are refused at the edge with the route and the reason")
    void accessRefused() {
        String user = user();
        JsonObject onlyB = new OAuthBrowser(issuer).tokens(REDIRECT, user, issuer + "/b/mcp");

        HttpResponse<String> anonymous = RawHttp.send(RawHttp.anonymous(issuer + "/a/mcp")
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(RawHttp.INITIALIZE)));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        Map<String, String> noToken = await("access_refused", Map.of("route", "/a"));
        assertThat(noToken).containsKey("reason").doesNotContainKey("user");

        assertThat(mcp("/a", onlyB.getString("access_token"), null, RawHttp.INITIALIZE)
                        .statusCode())
                .isEqualTo(401);
        await("access_refused", Map.of("route", "/a", "user", user, "client_id", onlyB.getString("client_id")));

        assertThat(mcp("/a", "not-a-token", null, RawHttp.INITIALIZE).statusCode())
                .isEqualTo(401);
        assertNoAuditLineContains(onlyB.getString("access_token"), "not-a-token");
    }

    @Test
    @DisplayName("a tools/call leaves one line with the tool, outcome and duration, never its arguments")
    void toolCalls() {
        String user = user();
        JsonObject tokens = new OAuthBrowser(issuer).tokens(REDIRECT, user);
        String token = tokens.getString("access_token");
        HttpResponse<String> init = mcp("/a", token, null, RawHttp.INITIALIZE);
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        mcp("/a", token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

        String argument = "audit-argument-" + Secrets.random();
        HttpResponse<String> echo = mcp("/a", token, session, toolCall(2, "echo", argument));
        assertThat(echo.body()).contains(argument);
        Map<String, String> ok = await("tool_call", Map.of("user", user, "tool", "echo", "outcome", "ok"));
        assertThat(ok)
                .containsEntry("route", "/a")
                .containsEntry("session", session)
                .containsEntry("client_id", tokens.getString("client_id"))
                .containsKey("duration_ms");
        assertThat(Long.parseLong(ok.get("duration_ms"))).isNotNegative();

        // server-everything answers an unknown tool with isError in the result, a call without a name
        // with a JSON-RPC error.
        mcp("/a", token, session, toolCall(3, "no-such-tool", argument));
        await("tool_call", Map.of("user", user, "tool", "no-such-tool", "outcome", "tool_error"));
        mcp("/a", token, session, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{}}");
        Map<String, String> error = await("tool_call", Map.of("user", user, "tool", "", "outcome", "error"));
        assertThat(error).containsEntry("error_code", "-32603");

        mcp("/a", token, session, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");
        assertThat(logs.events().stream()
                        .filter(e -> "audit".equals(e.getLoggerName())
                                && "tool_call".equals(LogCapture.fields(e).get("event"))
                                && user.equals(LogCapture.fields(e).get("user"))))
                .as("tool calls only, one line each")
                .hasSize(3);
        assertNoAuditLineContains(argument, token, tokens.getString("refresh_token"));
    }
}
