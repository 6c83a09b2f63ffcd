package org.mcpfront.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The metrics the README and docs/operations.md list are exactly those mcp-front registers: every
 * method of {@link GatewayMetrics} and {@link BackendHealth} is called once, and the names in the
 * Prometheus scrape are compared with the names the documents give.
 */
@DisplayName("Metric names")
class MetricNamesTest {

    private static final Pattern NAME = Pattern.compile("mcp_front_[a-z_]+");
    private static Set<String> registered;

    @BeforeAll
    static void registerEverything() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayMetrics metrics = new GatewayMetrics(registry);
        metrics.sessionOpened("/r");
        metrics.sessionClosed("/r");
        metrics.sessionAdopted("/r");
        metrics.messageToBackend("/r");
        metrics.messageToClient("/r");
        metrics.backendError("/r", "connect");
        metrics.refused("/r", "tool");
        metrics.credential("/r", "connected");
        metrics.requestCompleted("/r", "tools/call", "2025", "2025", 1_000_000);
        metrics.backends().probeSucceeded("/r", 3);
        registered = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith("# TYPE mcp_front_")) {
                String name = line.split(" ")[2];
                // A histogram's _max comes with it; the documents name the histogram.
                if (!name.endsWith("_max")) {
                    registered.add(name);
                }
            }
        }
    }

    @Test
    @DisplayName("the README's metric list is what the code registers")
    void readme() throws IOException {
        assertThat(documented(section(Files.readString(Path.of("README.md")), "## Metrics", "\n## ")))
                .isEqualTo(registered);
    }

    @Test
    @DisplayName("docs/operations.md's metric list is what the code registers")
    void operations() throws IOException {
        assertThat(documented(section(Files.readString(Path.of("docs/operations.md")), "- **Metrics**", "\n- **")))
                .isEqualTo(registered);
    }

    @Test
    @DisplayName("the scrape has the families the documents are checked against")
    void scrapeSeen() {
        assertThat(registered)
                .contains(
                        "mcp_front_backend_errors_total", "mcp_front_backend_up", "mcp_front_request_duration_seconds");
    }

    private static String section(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("the document has a section starting " + start).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        return text.substring(from, to < 0 ? text.length() : to);
    }

    private static Set<String> documented(String section) {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(section);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
