package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mcpfront.config.Configs.httpRoute;
import static org.mcpfront.config.Configs.withRoutes;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Aggregate routes in the config")
class AggregateConfigTest {

    @Test
    @DisplayName("an aggregate holds its members' settings; without members: every http and stdio route")
    void members() throws ConfigException {
        FrontConfig config = Configs.parse(withRoutes(
                httpRoute("/a"),
                "{path: /b, type: stdio, command: [\"node\", \"server.js\"]}",
                "{path: /some, type: aggregate, members: [\"/b\"]}",
                "{path: /all, type: aggregate}"));

        RouteConfig some = config.route("/some").orElseThrow();
        assertThat(some.type()).isEqualTo(RouteConfig.RouteType.AGGREGATE);
        assertThat(some.aggregate().orElseThrow().members())
                .containsExactly(config.route("/b").orElseThrow());
        assertThat(config.route("/all").orElseThrow().aggregate().orElseThrow().paths())
                .containsExactly("/a", "/b");
    }

    @Test
    @DisplayName("a member's edit changes the aggregate, so its new sessions get it")
    void memberEditsChangeTheAggregate() throws ConfigException {
        FrontConfig before = Configs.parse(withRoutes(httpRoute("/a"), "{path: /all, type: aggregate}"));
        FrontConfig after = Configs.parse(withRoutes(
                "{path: /a, type: http, backend: \"http://127.0.0.1:3002/mcp\"}", "{path: /all, type: aggregate}"));

        assertThat(ConfigDiff.between(before, after).changed()).containsExactly("/a", "/all");
    }

    @Test
    @DisplayName("unknown members, itself, another aggregate and a backend of its own are refused")
    void refusals() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> Configs.parse(withRoutes(
                        httpRoute("/a"),
                        "{path: /x, type: aggregate, members: [\"/a\"]}",
                        "{path: /all, type: aggregate, members: [\"/a\", \"/nope\", \"/all\", \"/x\"],"
                                + " backend: \"http://b/mcp\"}",
                        "{path: /c, type: http, backend: \"http://b/mcp\", members: [\"/a\"]}")));

        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("routes[2].members").contains("\"/nope\""))
                .anySatisfy(p -> assertThat(p).startsWith("routes[2].members").contains("itself"))
                .anySatisfy(p -> assertThat(p).startsWith("routes[2].members").contains("\"/x\""))
                .anySatisfy(p -> assertThat(p).startsWith("routes[2].backend"))
                .anySatisfy(p -> assertThat(p).startsWith("routes[3].members"));
    }
}
