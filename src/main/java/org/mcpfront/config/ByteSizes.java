package org.mcpfront.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in the config: plain bytes ({@code 4194304}), binary units ({@code 512KiB},
 * {@code 4MiB}, {@code 1GiB}) or decimal units ({@code 1MB} is 1,000,000 bytes). Units ignore case.
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");
    private static final Map<String, Long> UNITS = Map.of(
            "",
            1L,
            "b",
            1L,
            "kb",
            1000L,
            "mb",
            1000L * 1000,
            "gb",
            1000L * 1000 * 1000,
            "kib",
            1024L,
            "mib",
            1024L * 1024,
            "gib",
            1024L * 1024 * 1024);

    private ByteSizes() {}

    /**
     * The number of bytes {@code text} stands for.
     *
     * @throws IllegalArgumentException whose message quotes the text and shows the accepted forms
     */
    public static long parse(String text) {
        Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || !UNITS.containsKey(matcher.group(2))) {
            throw new IllegalArgumentException(
                    Problems.quote(text) + " is not a size (use bytes, or 512KiB, 4MiB, 1MB)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), UNITS.get(matcher.group(2)));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            throw new IllegalArgumentException(Problems.quote(text) + " is too large a size");
        }
    }
}
