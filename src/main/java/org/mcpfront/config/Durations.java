package org.mcpfront.config;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the config: {@code 30s}, {@code 5m}, {@code 1h}, {@code 500ms}, {@code 30d},
 * combinations such as {@code 1h30m}, or plain seconds ({@code 3600}, the seed's form).
 */
public final class Durations {

    private static final Pattern SECONDS = Pattern.compile("\\d+");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Map<String, Duration> UNITS = Map.of(
            "ms", Duration.ofMillis(1),
            "s", Duration.ofSeconds(1),
            "m", Duration.ofMinutes(1),
            "h", Duration.ofHours(1),
            "d", Duration.ofDays(1));

    private Durations() {}

    /**
     * Parses {@code text}; zero is a valid result, callers decide on bounds.
     *
     * @throws IllegalArgumentException whose message quotes the text and shows the accepted forms
     */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        try {
            if (SECONDS.matcher(trimmed).matches()) {
                return Duration.ofSeconds(Long.parseLong(trimmed));
            }
            if (WHOLE.matcher(trimmed).matches()) {
                Duration total = Duration.ZERO;
                Matcher part = PART.matcher(trimmed);
                while (part.find()) {
                    total = total.plus(UNITS.get(part.group(2)).multipliedBy(Long.parseLong(part.group(1))));
                }
                return total;
            }
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            throw new IllegalArgumentException(Problems.quote(text) + " is too long a duration");
        }
        throw new IllegalArgumentException(
                Problems.quote(text) + " is not a duration (use 30s, 5m, 1h or plain seconds)");
    }
}
