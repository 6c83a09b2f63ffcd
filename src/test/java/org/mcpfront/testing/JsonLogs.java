package org.mcpfront.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** What Cloud Logging needs from a process's output under {@code LOG_FORMAT=json}. */
public final class JsonLogs {

    private JsonLogs() {}

    /**
     * Checks that every non-blank line is a JSON object with {@code severity}, {@code message} and
     * {@code time}, and that mcp-front said it listened; returns the lines.
     */
    public static List<String> assertJsonLines(String output) {
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            JsonObject json = new JsonObject(line);
            assertThat(json.getString("severity")).isNotBlank();
            assertThat(json.getString("message")).isNotNull();
            assertThat(json.getString("time")).isNotBlank();
        });
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("mcp-front is listening"));
        return lines;
    }
}
