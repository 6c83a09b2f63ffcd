package org.mcpfront.access;

import java.util.ArrayList;
import java.util.List;

/**
 * A name pattern in an access rule: {@code *} stands for any run of characters (none included), every other
 * character for itself, case counting ({@code delete_*}, {@code *_admin}, {@code file:///finance/*}).
 */
public final class Glob {

    private final String pattern;
    private final List<String> parts;

    private Glob(String pattern) {
        this.pattern = pattern;
        List<String> split = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= pattern.length(); i++) {
            if (i == pattern.length() || pattern.charAt(i) == '*') {
                split.add(pattern.substring(start, i));
                start = i + 1;
            }
        }
        this.parts = List.copyOf(split);
    }

    /**
     * A glob as written in the config.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static Glob parse(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("an empty pattern names nothing; use \"*\" for everything");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("\"" + pattern + "\" contains white space or a control character");
            }
            if (c == '?' || c == '[' || c == ']' || c == '{' || c == '}') {
                throw new IllegalArgumentException("\"" + pattern + "\": only * is a wildcard (it matches any run of "
                        + "characters); " + c + " has no special meaning here and no tool name contains it");
            }
        }
        if (pattern.contains("**")) {
            throw new IllegalArgumentException("\"" + pattern + "\": ** means the same as *; write one *");
        }
        return new Glob(pattern);
    }

    /** Whether {@code name} matches the whole pattern. */
    public boolean matches(String name) {
        if (name == null) {
            return false;
        }
        if (parts.size() == 1) {
            return name.equals(parts.get(0));
        }
        String first = parts.get(0);
        String last = parts.get(parts.size() - 1);
        if (!name.startsWith(first) || !name.endsWith(last) || name.length() < first.length() + last.length()) {
            return false;
        }
        // Greedy is exact for * alone: each middle part is best taken at its first place after the last one.
        int at = first.length();
        int end = name.length() - last.length();
        for (int i = 1; i < parts.size() - 1; i++) {
            String part = parts.get(i);
            int found = name.indexOf(part, at);
            if (found < 0 || found + part.length() > end) {
                return false;
            }
            at = found + part.length();
        }
        return true;
    }

    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Glob glob && glob.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }
}
