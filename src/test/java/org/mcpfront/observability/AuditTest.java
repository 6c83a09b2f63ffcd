package org.mcpfront.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.testing.LogCapture;

@DisplayName("Audit lines")
class AuditTest {

    private static String render(ILoggingEvent event, boolean json) {
        LogEncoder encoder = new LogEncoder();
        encoder.setJson(json);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    private static ILoggingEvent only(LogCapture logs) {
        List<ILoggingEvent> audit = logs.events().stream()
                .filter(e -> "audit".equals(e.getLoggerName()))
                .toList();
        assertThat(audit).hasSize(1);
        return audit.get(0);
    }

    @Test
    @DisplayName("a tool call renders as JSON with typed audit fields, for Cloud Logging queries")
    void toolCallAsJson() {
        try (LogCapture logs = new LogCapture()) {
            Audit.toolCall(
                    "alice@example.com",
                    "client-1",
                    "/a",
                    "s-1",
                    "echo",
                    42,
                    "error",
                    -32602,
                    "2025",
                    "2025",
                    "access.tools[1] allow [echo]");
            JsonObject line = new JsonObject(render(only(logs), true));
            assertThat(line.getString("logger")).isEqualTo("audit");
            assertThat(line.getString("severity")).isEqualTo("INFO");
            assertThat(line.getValue("audit")).isEqualTo(true);
            assertThat(line.getString("event")).isEqualTo("tool_call");
            assertThat(line.getString("user")).isEqualTo("alice@example.com");
            assertThat(line.getString("client_id")).isEqualTo("client-1");
            assertThat(line.getString("route")).isEqualTo("/a");
            assertThat(line.getString("session")).isEqualTo("s-1");
            assertThat(line.getString("tool")).isEqualTo("echo");
            assertThat(line.getString("decision")).isEqualTo("allowed");
            assertThat(line.getString("rule")).isEqualTo("access.tools[1] allow [echo]");
            assertThat(line.getValue("duration_ms")).isEqualTo(42);
            assertThat(line.getString("outcome")).isEqualTo("error");
            assertThat(line.getValue("error_code")).isEqualTo(-32602);
            assertThat(line.getString("era")).isEqualTo("2025");
            assertThat(line.getString("backend_era")).isEqualTo("2025");
        }
    }

    @Test
    @DisplayName("fields an event does not know are left out, not written as null")
    void absentFields() {
        try (LogCapture logs = new LogCapture()) {
            Audit.accessRefused("/a", "no token", null, null);
            JsonObject line = new JsonObject(render(only(logs), true));
            assertThat(line.getString("event")).isEqualTo("access_refused");
            assertThat(line.getString("reason")).isEqualTo("no token");
            assertThat(line.fieldNames()).doesNotContain("user", "client_id", "session");
        }
    }

    @Test
    @DisplayName("in text form the line starts with audit=true and the event")
    void text() {
        try (LogCapture logs = new LogCapture()) {
            Audit.tokenIssued("alice@example.com", "client-1", "refresh_token");
            assertThat(render(only(logs), false))
                    .contains("audit  tokens issued  audit=true  event=token_issued"
                            + "  user=alice@example.com  client_id=client-1  grant_type=refresh_token");
        }
    }
}
