package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Durations and sizes reject what they cannot read")
class UnitsTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "5x", "1.5h", "-5s", "5 m", "m", "1h-30m", "PT5M"})
    @DisplayName("a bad duration is quoted with the accepted forms")
    void badDurations(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Durations.parse(text))
                .withMessage("\"" + text + "\" is not a duration (use 30s, 5m, 1h or plain seconds)");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"99999999999999999999", "999999999999999d"})
    @DisplayName("a duration too long to hold is refused")
    void hugeDurations(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Durations.parse(text))
                .withMessageContaining("too long");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "4 Megs", "1.5MiB", "-1", "MiB", "4TiB"})
    @DisplayName("a bad size is quoted with the accepted forms")
    void badSizes(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ByteSizes.parse(text))
                .withMessage("\"" + text + "\" is not a size (use bytes, or 512KiB, 4MiB, 1MB)");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"99999999999999999999", "9999999999999GiB"})
    @DisplayName("a size too large to hold is refused")
    void hugeSizes(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ByteSizes.parse(text))
                .withMessageContaining("too large");
    }
}
