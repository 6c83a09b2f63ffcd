package org.mcpfront.config;

import java.time.Duration;

/**
 * At most {@code count} events per {@code window}, written {@code 20/1h} in the config. Windows are
 * fixed (they start at multiples of their length), so up to twice the count can pass around a
 * window's edge: a bound, not a pace.
 */
public record RateLimit(int count, Duration window) {

    public RateLimit {
        if (count <= 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate limit needs a positive count and window");
        }
    }

    @Override
    public String toString() {
        return count + "/" + window;
    }
}
