package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;
import org.mcpfront.transport.JsonRpcErrors;

/**
 * The session limits seen from a client: a route past its {@code max_sessions}, one user past
 * {@code max_sessions_per_user} and the instance past {@code server.max_sessions} get 503 with a JSON-RPC
 * error that says which limit, and a session that ends makes room for the next one.
 */
@DisplayName("session limits")
@Timeout(180)
class SessionLimitsIT {

    private FrontHarness front;

    @BeforeEach
    void start() {
        String server = "[\"node\", \"" + NodeTools.script("stdio-test-server.mjs") + "\"]";
        front = FrontHarness.start("""
                - path: "/small"
                  type: stdio
                  command: %1$s
                  max_sessions: 2
                  max_sessions_per_user: 2
                - path: "/big"
                  type: stdio
                  command: %1$s
                  max_sessions: 10
                  max_sessions_per_user: 1
                """.formatted(server), "max_sessions: 3");
    }

    @AfterEach
    void stop() {
        Closeables.closeAll(front);
    }

    @Test
    @DisplayName(
            "a route at its max_sessions refuses the next session with 503 and takes one again once a session ends")
    void routeLimit() {
        String first = open("/small", "alice");
        open("/small", "bob");

        HttpResponse<String> refused = initialize("/small", "carol");
        assertRefused(refused, "route /small is at its limit of 2 sessions");

        delete("/small", first, "alice");
        awaitOpen("/small", "carol");
    }

    @Test
    @DisplayName("one user past max_sessions_per_user is refused, with an audit line naming the rule, while another "
            + "user still gets a session")
    void perUserLimit() {
        String first = open("/big", "alice");
        try (LogCapture logs = new LogCapture()) {
            assertRefused(initialize("/big", "alice"), "you have 1 sessions on /big");
            assertThat(logs.await(
                            e -> "audit".equals(e.getLoggerName())
                                    && "session_limited"
                                            .equals(LogCapture.fields(e).get("event")),
                            Duration.ofSeconds(10)))
                    .map(LogCapture::fields)
                    .hasValueSatisfying(fields -> assertThat(fields)
                            .containsEntry("decision", "denied")
                            .containsEntry("rule", "max_sessions_per_user 1")
                            .containsEntry("route", "/big"));
        }
        open("/big", "bob");

        delete("/big", first, "alice");
        awaitOpen("/big", "alice");
    }

    @Test
    @DisplayName(
            "the instance at server.max_sessions refuses a session on any route, and takes one again once a session "
                    + "ends")
    void instanceLimit() {
        String first = open("/small", "alice");
        open("/big", "bob");
        open("/big", "carol");

        assertRefused(initialize("/big", "dave"), "mcp-front is at its limit of 3 sessions");
        assertRefused(initialize("/small", "erin"), "mcp-front is at its limit of 3 sessions");

        delete("/small", first, "alice");
        awaitOpen("/big", "dave");
        assertRefused(initialize("/small", "frank"), "mcp-front is at its limit of 3 sessions");
    }

    private static void assertRefused(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(JsonRpcErrors.BACKEND_UNAVAILABLE);
        assertThat(error.getString("message")).contains(reason);
    }

    private HttpResponse<String> initialize(String route, String user) {
        return RawHttp.send(RawHttp.mcpPost(front.url(route + "/mcp"), RawHttp.INITIALIZE, token(user)));
    }

    private String open(String route, String user) {
        HttpResponse<String> response = initialize(route, user);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /** Opens a session once the gateway has counted an ended one out (that notice travels the bus). */
    private void awaitOpen(String route, String user) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> response = initialize(route, user);
        while (response.statusCode() == 503 && System.nanoTime() < deadline) {
            FreePorts.sleep(100);
            response = initialize(route, user);
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private void delete(String route, String session, String user) {
        HttpResponse<String> response = RawHttp.send(RawHttp.anonymous(front.url(route + "/mcp"))
                .header("Authorization", "Bearer " + token(user))
                .header("Mcp-Session-Id", session)
                .DELETE());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 204);
    }

    private static String token(String user) {
        return TestTokens.mintFor(user, TestTokens.ISSUER, List.of(TestTokens.ISSUER));
    }
}
