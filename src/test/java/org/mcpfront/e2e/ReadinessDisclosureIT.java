package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;

/**
 * A stdio backend that prints a secret on stderr before it dies: the secret stays in the log. The
 * public {@code /ready} says UP or DOWN and nothing else; its details (routes, sessions, start
 * failures) are for users in {@code oauth.admins}, and even they see no backend output.
 */
@DisplayName("What readiness and start failures disclose")
@Timeout(120)
class ReadinessDisclosureIT {

    private static final String SECRET = "hunter2-db-password";
    private static FrontHarness front;
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = new LogCapture();
        front = FrontHarness.startWith(FrontHarness.yaml("""
                - path: "/leaky"
                  type: stdio
                  command: ["sh", "-c", "echo 'connecting with password %s' >&2; exit 3"]
                """.formatted(SECRET), "")
                .replace("admins: [\"tester@example.com\"]", "admins: [\"tester@example.com\", \"@ops.example.com\"]"));
        HttpResponse<String> failed = RawHttp.send(RawHttp.mcpPost(front.url("/leaky/mcp"), RawHttp.INITIALIZE));
        assertThat(RawHttp.lastMessage(failed).containsKey("error"))
                .as(failed.body())
                .isTrue();
        awaitStartFailureInDetails();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, logs);
    }

    private static JsonObject leakyDetails() {
        HttpResponse<String> ready = RawHttp.send(RawHttp.request(front.url("/ready")));
        JsonObject body = new JsonObject(ready.body());
        return body.getJsonArray("checks").stream()
                .map(JsonObject.class::cast)
                .filter(check -> "supervisor".equals(check.getString("id")))
                .findFirst()
                .map(check -> check.getJsonObject("data", new JsonObject())
                        .getJsonObject("routes", new JsonObject())
                        .getJsonObject("/leaky", new JsonObject()))
                .orElse(new JsonObject());
    }

    /** The supervisor hears of the failure just after the client; its check may time out on a busy machine. */
    private static void awaitStartFailureInDetails() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!leakyDetails().containsKey("last_start_failure")) {
            assertThat(System.nanoTime()).as("/leaky's start failure in /ready").isLessThan(deadline);
            FreePorts.sleep(100);
        }
    }

    @Test
    @DisplayName("the client's error names the route and the exit, not what the process printed; the log keeps it")
    void clientErrorWithoutBackendOutput() {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(front.url("/leaky/mcp"), RawHttp.INITIALIZE));

        assertThat(response.body()).contains("/leaky").doesNotContain(SECRET);
        assertThat(logs.events())
                .anySatisfy(event ->
                        assertThat(LogCapture.fields(event).get("stderr")).contains(SECRET));
    }

    @Test
    @DisplayName("anyone gets the status alone: no routes, no session counts, no commands, no stderr")
    void publicStatusOnly() {
        HttpResponse<String> ready = RawHttp.send(RawHttp.anonymous(front.url("/ready")));

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ready.body())).isEqualTo(new JsonObject().put("status", "UP"));
        assertThat(ready.headers().firstValue("Cache-Control")).contains("no-store");
    }

    @Test
    @DisplayName("an admin's token gets the details, with the start failure but without the process's output")
    void adminDetails() {
        JsonObject leaky = leakyDetails();

        assertThat(leaky.getString("last_start_failure"))
                .contains("exited with code 3")
                .doesNotContain(SECRET);
        assertThat(leaky.getInteger("consecutive_start_failures")).isPositive();
        String domainAdmin =
                TestTokens.mintForEmail("carol@ops.example.com", TestTokens.ISSUER, List.of(TestTokens.ISSUER));
        HttpResponse<String> ready =
                RawHttp.send(RawHttp.anonymous(front.url("/ready")).header("Authorization", "Bearer " + domainAdmin));
        assertThat(ready.body()).contains("\"checks\"").contains("/leaky").doesNotContain(SECRET);
    }

    @Test
    @DisplayName("a token of someone else, a route's token or a bad token get 403 or 401 and no details")
    void othersRefused() {
        String notAdmin = TestTokens.mintForEmail("mallory@example.com", TestTokens.ISSUER, List.of(TestTokens.ISSUER));
        String routeToken = TestTokens.mint(TestTokens.ISSUER, List.of(TestTokens.ISSUER + "/leaky/mcp"));
        for (String token : List.of(notAdmin, routeToken)) {
            HttpResponse<String> ready =
                    RawHttp.send(RawHttp.anonymous(front.url("/ready")).header("Authorization", "Bearer " + token));
            assertThat(ready.statusCode()).isEqualTo(403);
            assertThat(ready.body()).doesNotContain("/leaky", "checks");
        }
        HttpResponse<String> bad =
                RawHttp.send(RawHttp.anonymous(front.url("/ready")).header("Authorization", "Bearer nonsense"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).doesNotContain("/leaky", "checks");
    }
}
