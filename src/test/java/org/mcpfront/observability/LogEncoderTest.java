package org.mcpfront.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogEncoderTest {

    private static String text(long epochMillis) {
        LoggingEvent event = new LoggingEvent(
                "test", (Logger) LoggerFactory.getLogger("org.mcpfront.X"), Level.INFO, "hello", null, null);
        event.setTimeStamp(epochMillis);
        return new String(new LogEncoder().encode(event), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a text line starts with its UTC time to the millisecond, the same before and after a second turns")
    void timeToTheMillisecond() {
        long second = Instant.parse("2026-12-01T09:59:59Z").toEpochMilli();
        assertThat(text(second + 5)).startsWith("2026-12-01T09:59:59.005Z INFO  X  hello");
        assertThat(text(second + 42)).startsWith("2026-12-01T09:59:59.042Z ");
        assertThat(text(second + 999)).startsWith("2026-12-01T09:59:59.999Z ");
        assertThat(text(second + 1000)).startsWith("2026-12-01T10:00:00.000Z ");
        assertThat(text(second + 250)).startsWith("2026-12-01T09:59:59.250Z ");
        assertThat(text(Instant.parse("1969-12-31T23:59:59.900Z").toEpochMilli()))
                .startsWith("1969-12-31T23:59:59.900Z ");
    }
}
