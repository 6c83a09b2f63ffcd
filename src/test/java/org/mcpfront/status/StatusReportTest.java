package org.mcpfront.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.Configs;
import org.mcpfront.config.FrontConfig;

/** The status report assembled from two members' answers. */
@DisplayName("Status report")
class StatusReportTest {

    private static JsonObject member(String node, int sessionsOnA, long requestsOnA, String user, String refusalAt) {
        return new JsonObject()
                .put("node", node)
                .put(
                        "supervisor",
                        new JsonObject()
                                .put("sessions", sessionsOnA)
                                .put("max_sessions", 100)
                                .put(
                                        "routes",
                                        new JsonObject()
                                                .put("/a", new JsonObject().put("sessions", sessionsOnA))
                                                .put(
                                                        "/s",
                                                        new JsonObject()
                                                                .put("sessions", 0)
                                                                .put("consecutive_start_failures", 2)
                                                                .put("last_start_failure", "exited with 3")
                                                                .put("last_start_failure_at", "2026-01-01T00:00:00Z"))))
                .put(
                        "backends",
                        new JsonObject().put("/a", new JsonObject().put("state", node.equals("n1") ? "up" : "down")))
                .put("requests_last_minute", new JsonObject().put("/a", requestsOnA))
                .put(
                        "active_users",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("user", user)
                                        .put("last_seen", refusalAt)
                                        .put("routes", new JsonArray().add("/a"))))
                .put(
                        "refusals",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("at", refusalAt)
                                        .put("event", "access_refused")
                                        .put("route", "/a")
                                        .put("reason", "no token")));
    }

    @Test
    @DisplayName("sessions and requests are summed over members, health is this member's, users and refusals merged "
            + "newest first")
    void assemble() throws Exception {
        FrontConfig config = Configs.parse(Configs.withRoutes(
                "{path: /a, type: http, backend: \"https://user:pw@backend.example:8443/mcp?key=secret\"}",
                "{path: /s, type: stdio, command: [docker, run, -e, \"TOKEN=secret\", image]}"));
        JsonObject report = StatusReport.assemble(
                config,
                "n1",
                List.of(
                        member("n1", 2, 10, "alice@example.com", "2026-01-01T00:00:01Z"),
                        member("n2", 3, 5, "bob@example.com", "2026-01-01T00:00:02Z"),
                        new JsonObject().put("node", "n3").put("unreachable", "timed out")),
                Map.of("/a", "2026", "/s", "auto (per process)"),
                Instant.parse("2026-01-01T00:01:00Z"));

        JsonObject a = report.getJsonArray("routes").getJsonObject(0);
        assertThat(a.getInteger("sessions")).isEqualTo(5);
        assertThat(a.getLong("requests_last_minute")).isEqualTo(15L);
        assertThat(a.getString("era")).isEqualTo("2026");
        assertThat(a.getJsonObject("health").getString("state")).isEqualTo("up");
        assertThat(a.getString("backend")).isEqualTo("https://backend.example:8443/mcp");
        JsonObject s = report.getJsonArray("routes").getJsonObject(1);
        assertThat(s.getString("backend")).isEqualTo("docker");
        assertThat(s.getJsonObject("health").getString("state")).isEqualTo("down");
        assertThat(s.getJsonObject("health").getJsonObject("last_error").getString("reason"))
                .isEqualTo("exited with 3");
        assertThat(report.encode()).doesNotContain("secret").doesNotContain("pw@");

        JsonArray members = report.getJsonArray("members");
        assertThat(members.getJsonObject(0).getBoolean("self")).isTrue();
        assertThat(members.getJsonObject(1).getJsonObject("routes").getInteger("/a"))
                .isEqualTo(3);
        assertThat(members.getJsonObject(2).getBoolean("reachable")).isFalse();
        assertThat(report.getJsonArray("users").getJsonObject(0).getString("user"))
                .isEqualTo("bob@example.com");
        assertThat(report.getJsonArray("refusals").getJsonObject(0).getString("node"))
                .isEqualTo("n2");
        assertThat(report.getJsonArray("refusals")).hasSize(2);
    }

    @Test
    @DisplayName("the page escapes what it shows")
    void escapes() throws Exception {
        FrontConfig config =
                Configs.parse(Configs.withRoutes("{path: /a, type: http, backend: \"http://127.0.0.1:1/mcp\"}"));
        JsonObject report = StatusReport.assemble(
                config,
                "n1",
                List.of(member("n1", 0, 0, "<script>x</script>@example.com", "2026-01-01T00:00:01Z")),
                Map.of(),
                Instant.EPOCH);
        assertThat(StatusPage.body(report, "ops@example.com"))
                .doesNotContain("<script>x")
                .contains("&lt;script&gt;x");
    }
}
