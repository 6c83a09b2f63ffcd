package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mcpfront.config.Configs.DEV_OAUTH;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.access.Decision;
import org.mcpfront.access.Kind;
import org.mcpfront.access.RouteAccess;
import org.mcpfront.identity.Caller;

@DisplayName("groups: and routes[].access: parse into principals and ordered rules, bad ones are named by key path")
class AccessConfigTest {

    private static final String GROUPS = """
            groups:
              Admins: ["Alice@Example.com"]
              finance: ["carol@example.com", "@finance.example.com"]
              contractors: []
            """;

    private static String route(String accessYaml) {
        return DEV_OAUTH + GROUPS + """
                routes:
                  - path: /finance
                    type: http
                    backend: "http://127.0.0.1:3001/mcp"
                    access:
                """
                + accessYaml.lines().map(line -> "      " + line).reduce("", (a, b) -> a + b + "\n");
    }

    private static List<String> problems(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> Configs.parse(yaml))
                .problems();
    }

    @Test
    @DisplayName("groups, users, rules and the per-user rate come out as written, names in lower case")
    void parses() throws ConfigException {
        FrontConfig config = Configs.parse(route("""
                users: ["group:finance", "group:admins", "iam:roles/viewer", "bob@example.com"]
                tools:
                  - { deny: ["delete_*"], except: ["group:admins"] }
                  - { allow: ["read_*"], users: ["group:contractors"] }
                prompts:
                  - { deny: ["*"] }
                resources:
                  - { deny: ["file:///secret/*"] }
                rate_limit: "600/1m"
                """));
        assertThat(config.groups())
                .containsEntry("admins", List.of("alice@example.com"))
                .containsEntry("contractors", List.of());
        RouteAccess access = config.routes().get(0).access();
        assertThat(access.users())
                .contains(List.of("group:finance", "group:admins", "iam:roles/viewer", "bob@example.com"));
        assertThat(access.rules().get(Kind.TOOL)).hasSize(2);
        assertThat(access.userRateLimit()).contains(new RateLimit(600, Duration.ofMinutes(1)));
        Caller carol = Caller.of("carol@example.com");
        assertThat(access.admits(carol, config.groups()).allowed()).isTrue();
        assertThat(access.visibilityFor(carol, config.groups()).decide(Kind.TOOL, "delete_x"))
                .isEqualTo(new Decision(false, "access.tools[0] deny [delete_*]"));
        assertThat(access.visibilityFor(carol, config.groups())
                        .decide(Kind.PROMPT, "any")
                        .allowed())
                .isFalse();
    }

    @Test
    @DisplayName("a route without access: admits everyone and hides nothing; oauth.admins takes groups")
    void defaults() throws ConfigException {
        FrontConfig config =
                Configs.parse(DEV_OAUTH.replace("identity: dev", "identity: dev\n  admins: [\"group:ops\"]")
                        + "groups: { ops: [\"@ops.example.com\"] }\nroutes:\n  - " + Configs.httpRoute("/a") + "\n");
        assertThat(config.routes().get(0).access()).isEqualTo(RouteAccess.OPEN);
        assertThat(config.oauth().admins()).containsExactly("group:ops");
    }

    @Test
    @DisplayName("unknown groups, bad globs, rules without or with both verbs, empty lists and unknown keys are named")
    void problemsNamed() {
        assertThat(problems(route("""
                users: ["group:finanse"]
                tools:
                  - { deny: ["get?"] }
                  - { allow: ["a"], deny: ["b"] }
                  - { except: ["group:admins"] }
                  - { deny: [] , users: ["nobody"] }
                  - { deny: ["x"], unless: ["group:admins"] }
                rate_limit: "lots"
                """)))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("routes[0].access.users[0]: \"group:finanse\" names the unknown group finanse"))
                .anySatisfy(p ->
                        assertThat(p).startsWith("routes[0].access.tools[0].deny[0]: \"get?\": only * is a wildcard"))
                .anySatisfy(
                        p -> assertThat(p).startsWith("routes[0].access.tools[1].deny: a rule either allows or denies"))
                .anySatisfy(p -> assertThat(p).startsWith("routes[0].access.tools[2].allow: is missing"))
                .anySatisfy(p -> assertThat(p).startsWith("routes[0].access.tools[3].deny: is empty"))
                .anySatisfy(
                        p -> assertThat(p).startsWith("routes[0].access.tools[3].users[0]: \"nobody\" is not an email"))
                .anySatisfy(p -> assertThat(p).startsWith("routes[0].access.tools[4].unless: unknown key"))
                .anySatisfy(p -> assertThat(p).startsWith("routes[0].access.rate_limit:"));
        assertThat(problems(DEV_OAUTH + "groups: { admins: [\"group:ops\"], \"bad name\": [] }\n"))
                .anySatisfy(
                        p -> assertThat(p).startsWith("groups.admins[0]: \"group:ops\": a group lists email addresses"))
                .anySatisfy(p -> assertThat(p).startsWith("groups.bad name: is not a group name"));
        assertThat(problems(route("users: []\n")))
                .anySatisfy(p -> assertThat(p).startsWith("routes[0].access.users: is empty"));
    }
}
