package org.mcpfront.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The problems found while reading one configuration, each {@code key.path: message}. Reading goes on
 * after a problem so that one start-up (or one edit) reports everything that is wrong.
 */
final class Problems {

    private final List<String> messages = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();

    void add(String path, String message) {
        messages.add(path + ": " + message);
        paths.add(path);
    }

    /** Whether nothing was reported at {@code path} or below it; checks that combine keys skip bad ones. */
    boolean clean(String path) {
        return paths.stream().noneMatch(p -> p.equals(path) || p.startsWith(path + ".") || p.startsWith(path + "["));
    }

    void throwIfAny() throws ConfigException {
        if (!messages.isEmpty()) {
            throw new ConfigException(messages);
        }
    }

    /** A value as it appears in a message: in double quotes, with line breaks visible. */
    static String quote(String value) {
        return '"'
                + value.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\n", "\\n")
                        .replace("\r", "\\r")
                + '"';
    }
}
