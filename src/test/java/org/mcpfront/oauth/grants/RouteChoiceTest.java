package org.mcpfront.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.identity.Caller;
import org.mcpfront.oauth.AuthorizationServerConfig;

@DisplayName("The consent page's routes: exactly those the user's email and memberships open")
class RouteChoiceTest {

    private static final AuthorizationServerConfig CONFIG = config();

    private static AuthorizationServerConfig config() {
        String yaml = """
                oauth:
                  issuer: "http://localhost:8080"
                  identity: dev
                  allowed_domains: [example.com]
                groups:
                  finance: ["carol@example.com"]
                  eng: []
                routes:
                  - { path: /open, type: stdio, command: [fake] }
                  - { path: /finance, type: stdio, command: [fake], access: { users: ["group:finance"] } }
                  - { path: /eng, type: stdio, command: [fake], access: { users: ["group:eng"] } }
                  - { path: /deploy, type: stdio, command: [fake], access: { users: ["iam:roles/run.invoker"] } }
                """;
        try {
            return AuthorizationServerConfig.of(ConfigParser.parse(
                    ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), Map.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RouteChoice choice(List<String> named, String email, String... memberships) {
        return RouteChoice.of(CONFIG, named, new Caller(email, Set.of(memberships)));
    }

    @Test
    @DisplayName("without memberships, a route open only to a group or an IAM role is neither shown nor granted")
    void noMemberships() {
        assertThat(choice(List.of(), "alice@example.com").shown()).containsExactly("/open");
        assertThat(choice(List.of("/eng", "/open"), "alice@example.com").closed())
                .containsExactly("/eng");
        assertThat(choice(List.of("/deploy"), "alice@example.com").closed()).containsExactly("/deploy");
    }

    @Test
    @DisplayName("a config group, an identity provider's or Workspace group and an IAM role each open their route")
    void membershipsOpenRoutes() {
        assertThat(choice(List.of(), "carol@example.com").shown()).containsExactly("/open", "/finance");
        assertThat(choice(List.of(), "dave@example.com", "eng").shown()).containsExactly("/open", "/eng");
        assertThat(choice(List.of(), "erin@example.com", "iam:roles/run.invoker")
                        .shown())
                .containsExactly("/open", "/deploy");
        assertThat(choice(List.of("/deploy"), "erin@example.com", "iam:roles/run.invoker")
                        .closed())
                .isEmpty();
        assertThat(choice(List.of("/deploy"), "erin@example.com", "iam:roles/viewer")
                        .closed())
                .as("another role")
                .containsExactly("/deploy");
    }

    @Test
    @DisplayName("every route open: the page names none, which it shows as all of them")
    void allOrNothing() {
        RouteChoice all = choice(List.of(), "carol@example.com", "eng", "iam:roles/run.invoker");
        assertThat(all.shown()).isEmpty();
        assertThat(all.closed()).isEmpty();
    }
}
