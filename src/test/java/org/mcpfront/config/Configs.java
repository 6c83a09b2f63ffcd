package org.mcpfront.config;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds configs from YAML text for the tests of this package. */
public final class Configs {

    /** An oauth section that validates on its own: dev sign-in on loopback. */
    public static final String DEV_OAUTH = """
            oauth:
              issuer: "http://localhost:8080"
              identity: dev
              allowed_domains: [example.com]
            """;

    private Configs() {}

    public static FrontConfig parse(String yaml) throws ConfigException {
        return parse(yaml, Map.of());
    }

    public static FrontConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), env);
    }

    /** {@link #DEV_OAUTH} and a routes list with one item per flow mapping, e.g. {@code {path: /a, type: http}}. */
    public static String withRoutes(String... routes) {
        StringBuilder yaml = new StringBuilder(DEV_OAUTH).append("routes:\n");
        for (String route : routes) {
            yaml.append("  - ").append(route).append('\n');
        }
        return yaml.toString();
    }

    /** An http route to a local backend at {@code path}. */
    public static String httpRoute(String path) {
        return "{path: \"" + path + "\", type: http, backend: \"http://127.0.0.1:3001/mcp\"}";
    }

    /** {@link #DEV_OAUTH} and a section with the given lines. */
    public static String withSection(String name, String... lines) {
        return DEV_OAUTH + section(name, lines);
    }

    /** A section with the given lines, indented under {@code name:}. */
    public static String section(String name, String... lines) {
        StringBuilder yaml = new StringBuilder(name).append(":\n");
        for (String line : lines) {
            yaml.append("  ").append(line).append('\n');
        }
        return yaml.toString();
    }
}
