package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mcpfront.config.Configs.httpRoute;
import static org.mcpfront.config.Configs.withRoutes;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A config diff tells which routes a reload adds, removes and changes")
class ConfigDiffTest {

    @Test
    @DisplayName("routes are sorted into added, removed, changed and unchanged by path")
    void sortsRoutes() throws ConfigException {
        FrontConfig before = Configs.parse(withRoutes(
                httpRoute("/keep"), httpRoute("/drop"), "{path: /edit, type: stdio, command: [node, a.js]}"));
        FrontConfig after = Configs.parse(
                withRoutes("{path: /edit, type: stdio, command: [node, b.js]}", httpRoute("/new"), httpRoute("/keep")));

        ConfigDiff diff = ConfigDiff.between(before, after);

        assertThat(diff.added()).containsExactly("/new");
        assertThat(diff.removed()).containsExactly("/drop");
        assertThat(diff.changed()).containsExactly("/edit");
        assertThat(diff.unchanged()).containsExactly("/keep");
        assertThat(diff.routesChanged()).isTrue();
    }

    @Test
    @DisplayName("a change of a single setting, such as the timeout, makes the route changed")
    void seesSettingChanges() throws ConfigException {
        String route = "{path: /a, type: http, backend: \"http://b/mcp\", timeout: %s}";
        FrontConfig before = Configs.parse(withRoutes(route.formatted("5m")));
        FrontConfig after = Configs.parse(withRoutes(route.formatted("10m")));

        assertThat(ConfigDiff.between(before, after).changed()).containsExactly("/a");
    }

    @Test
    @DisplayName("the same routes make no route change")
    void sameRoutes() throws ConfigException {
        FrontConfig config = Configs.parse(withRoutes(httpRoute("/a")));

        ConfigDiff diff = ConfigDiff.between(config, Configs.parse(withRoutes(httpRoute("/a"))));

        assertThat(diff.routesChanged()).isFalse();
        assertThat(diff.unchanged()).containsExactly("/a");
    }
}
