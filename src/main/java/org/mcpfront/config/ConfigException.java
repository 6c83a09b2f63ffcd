package org.mcpfront.config;

import java.util.List;

/**
 * A configuration that cannot be used. Each problem names the key path first
 * ({@code routes[1].timeout: "5x" is not a duration}), so that the message alone tells what to fix.
 */
public final class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
