package org.mcpfront.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code routes[].health_check}: whether and how often mcp-front probes an HTTP route's backend, and how
 * long one probe may take. Default: every 30 s, 10 s each.
 */
public record HealthCheck(boolean enabled, Duration interval, Duration timeout) {

    public static final HealthCheck DEFAULT = new HealthCheck(true, Duration.ofSeconds(30), Duration.ofSeconds(10));

    static final List<String> KEYS = List.of("enabled", "interval", "timeout");

    /** {@code { enabled: true, interval: 30s, timeout: 10s }}; a timeout longer than the interval is refused. */
    static HealthCheck parse(Section s) {
        s.allowOnly(KEYS);
        boolean enabled = s.value("enabled", HealthCheck::flag).orElse(true);
        Duration interval = s.value("interval", HealthCheck::atLeastOneSecond).orElse(DEFAULT.interval());
        Duration timeout = s.value("timeout", HealthCheck::atLeastOneSecond)
                .orElse(interval.compareTo(DEFAULT.timeout()) < 0 ? interval : DEFAULT.timeout());
        if (timeout.compareTo(interval) > 0 && s.clean("timeout") && s.clean("interval")) {
            s.problem(
                    "timeout",
                    "is longer than interval (" + interval.toSeconds() + "s): one probe would still run "
                            + "when the next is due");
        }
        return new HealthCheck(enabled, interval, timeout);
    }

    private static boolean flag(String value) {
        return switch (value.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(Problems.quote(value) + " is not true or false");
        };
    }

    private static Duration atLeastOneSecond(String value) {
        Duration duration = Durations.parse(value);
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(Problems.quote(value) + " is shorter than 1s");
        }
        return duration;
    }
}
