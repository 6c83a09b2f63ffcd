package org.mcpfront.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of a stdio route's process: a few harmless variables from mcp-front's own (so the
 * command is found and tools such as npx and docker work), then the route's {@code environment}, then what the
 * route's {@code identity: environment} says about the session's user (last, so the route cannot forge it). The
 * rest of mcp-front's environment, which holds its own secrets, is not passed on.
 */
final class StdioEnvironment {

    static final List<String> INHERITED = List.of(
            "PATH",
            "HOME",
            "USER",
            "LOGNAME",
            "LANG",
            "LC_ALL",
            "TZ",
            "TMPDIR",
            "XDG_RUNTIME_DIR",
            "XDG_CACHE_HOME",
            "XDG_CONFIG_HOME",
            "DOCKER_HOST",
            "DOCKER_CONFIG");

    private StdioEnvironment() {}

    static Map<String, String> of(Map<String, String> parent, Map<String, String> route, Map<String, String> caller) {
        Map<String, String> env = new HashMap<>();
        for (String name : INHERITED) {
            String value = parent.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(route);
        env.putAll(caller);
        return env;
    }
}
