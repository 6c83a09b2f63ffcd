package org.mcpfront.health;

import org.mcpfront.config.RouteConfig;

import java.time.Duration;

/** How often a route's backend is probed, and how long one probe may take. */
record HealthCheckSettings(boolean enabled, Duration interval, Duration timeout) {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    static HealthCheckSettings of(RouteConfig route) {
        return new HealthCheckSettings(true, DEFAULT_INTERVAL, timeoutFor(DEFAULT_INTERVAL));
    }

    /** A probe may take up to its interval, but never more than 10 s. */
    static Duration timeoutFor(Duration interval) {
        return interval.compareTo(Duration.ofSeconds(10)) < 0 ? interval : Duration.ofSeconds(10);
    }
}
