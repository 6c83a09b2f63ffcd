package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The operators' settings: a route's health check, traces, and the paths the status page takes. */
@DisplayName("Health check, observability and status settings")
class OperationsConfigTest {

    @Test
    @DisplayName("an http route is probed every 30 s, 10 s each, unless it says otherwise")
    void healthCheckDefaults() throws ConfigException {
        FrontConfig config = Configs.parse(Configs.withRoutes(
                Configs.httpRoute("/a"),
                "{path: /b, type: http, backend: \"http://127.0.0.1:3001/mcp\", health_check: {interval: 5s}}",
                "{path: /c, type: http, backend: \"http://127.0.0.1:3001/mcp\", health_check: {enabled: false}}"));
        assertThat(config.route("/a").orElseThrow().healthCheck()).isEqualTo(HealthCheck.DEFAULT);
        assertThat(config.route("/b").orElseThrow().healthCheck())
                .isEqualTo(new HealthCheck(true, Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertThat(config.route("/c").orElseThrow().healthCheck().enabled()).isFalse();
        assertThat(config.observability()).isEqualTo(ObservabilityConfig.OFF);
    }

    @Test
    @DisplayName("bad health checks are refused with their key path; stdio routes have none")
    void badHealthChecks() {
        assertThatThrownBy(() -> Configs.parse(Configs.withRoutes(
                        "{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", health_check: {interval: 10s, timeout: 20s, every: 1s}}",
                        "{path: /b, type: http, backend: \"http://127.0.0.1:3001/mcp\", health_check: {interval: 100ms}}",
                        "{path: /c, type: stdio, command: [cat], health_check: {interval: 10s}}")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("routes[0].health_check.timeout: is longer than interval"))
                                .anyMatch(p -> p.startsWith("routes[0].health_check.every"))
                                .anyMatch(p -> p.startsWith("routes[1].health_check.interval: \"100ms\""))
                                .anyMatch(p -> p.startsWith("routes[2].health_check: belongs to http routes")));
    }

    @Test
    @DisplayName("observability.otlp_endpoint turns traces on; a bad endpoint or ratio is refused")
    void observability() throws ConfigException {
        FrontConfig config = Configs.parse(Configs.withSection(
                "observability", "otlp_endpoint: \"http://otel-collector:4318\"", "sample_ratio: 0.25"));
        assertThat(config.observability())
                .isEqualTo(new ObservabilityConfig(Optional.of(URI.create("http://otel-collector:4318")), 0.25));
        assertThatThrownBy(() -> Configs.parse(Configs.withSection(
                        "observability", "otlp_endpoint: \"otel-collector:4318\"", "sample_ratio: 2")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("observability.otlp_endpoint:"))
                                .anyMatch(p ->
                                        p.startsWith("observability.sample_ratio: \"2\" is not a number from 0 to 1")));
    }

    @Test
    @DisplayName("a route cannot take the status page's paths")
    void statusReserved() {
        assertThatThrownBy(() -> Configs.parse(Configs.withRoutes(Configs.httpRoute("/status"))))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("routes[0].path:") && p.contains("/status")));
    }
}
