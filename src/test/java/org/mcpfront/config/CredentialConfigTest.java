package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Credential config: routes[].credential, credentials.keys and ${user.credential}")
class CredentialConfigTest {

    private static final String KEYS = """
            credentials:
              keys:
                - { id: k2, file: /etc/mcp-front/k2.key }
                - { id: k1, env: OLD_KEY }
            """;

    @Test
    @DisplayName("an oauth and a token route are read; ${user.credential} stays in the values to be filled per user")
    void read() throws ConfigException {
        FrontConfig config = Configs.parse(Configs.DEV_OAUTH + KEYS + """
                routes:
                  - path: /github
                    type: http
                    backend: "https://gh.example.com/mcp"
                    headers: { Authorization: "Bearer ${user.credential}", X-Team: "${TEAM}" }
                    credential:
                      kind: oauth
                      issuer: "https://auth.example.com"
                      client_id: mcp-front
                      client_secret: "${SECRET}"
                      scopes: [repo, "read:user"]
                  - path: /linear
                    type: stdio
                    command: [linear-mcp]
                    environment: { LINEAR_TOKEN: "${user.credential}" }
                    credential: { kind: token, instructions: "Create a personal API key in Linear's settings" }
                """, Map.of("TEAM", "blue", "SECRET", "s3cret"));
        RouteConfig github = config.route("/github").orElseThrow();
        assertThat(github.credential())
                .contains(new RouteCredential.OAuth(
                        Optional.of(URI.create("https://auth.example.com")),
                        Optional.empty(),
                        Optional.empty(),
                        "mcp-front",
                        "s3cret",
                        List.of("repo", "read:user")));
        assertThat(github.headers()).containsExactly(Map.entry("X-Team", "blue"));
        assertThat(github.credentialHeaders()).containsExactly(Map.entry("Authorization", "Bearer ${user.credential}"));
        assertThat(github.toString()).doesNotContain("s3cret");
        RouteConfig linear = config.route("/linear").orElseThrow();
        assertThat(linear.credential())
                .contains(new RouteCredential.Token("Create a personal API key in Linear's settings"));
        assertThat(linear.credentialEnvironment()).containsExactly(Map.entry("LINEAR_TOKEN", "${user.credential}"));
        assertThat(config.credentials().keys())
                .containsExactly(
                        new CredentialsConfig.KeySource(
                                "k2", Optional.of(Path.of("/etc/mcp-front/k2.key")), Optional.empty()),
                        new CredentialsConfig.KeySource("k1", Optional.empty(), Optional.of("OLD_KEY")));
    }

    @Test
    @DisplayName(
            "a placeholder without a credential, a credential without a placeholder, a warm pool of per-user processes "
                    + "and no key are refused")
    void mismatches() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse(Configs.DEV_OAUTH + """
                        routes:
                          - path: /a
                            type: http
                            backend: "https://a.example.com/mcp"
                            headers: { Authorization: "Bearer ${user.credential}" }
                          - path: /b
                            type: http
                            backend: "https://b.example.com/mcp"
                            credential: { kind: token }
                          - path: /c
                            type: http
                            backend: "https://c.example.com/mcp"
                            headers: { Authorization: "Bearer ${user.credential}" }
                            credential: { kind: oauth, client_id: x }
                          - path: /d
                            type: stdio
                            command: [linear-mcp]
                            environment: { LINEAR_TOKEN: "${user.credential}" }
                            credential: { kind: token }
                            warm: 1
                        """));
        assertThat(e.problems())
                .anyMatch(p -> p.startsWith("routes[0].headers: uses ${user.credential} but the route declares no"))
                .anyMatch(p -> p.startsWith("routes[1].credential: is declared but no value of headers uses"))
                .anyMatch(p -> p.startsWith("routes[2].credential.issuer: or both authorization_endpoint and"))
                .anyMatch(p -> p.startsWith("routes[3].warm: cannot go with credential"))
                .anyMatch(p -> p.startsWith("credentials: is required: /b, /c, /d keep each user's own credential"));
    }

    @Test
    @DisplayName("key ids are unique and each key comes from exactly one of file and env")
    void keys() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse(Configs.DEV_OAUTH + """
                        credentials:
                          keys:
                            - { id: k1, file: /a }
                            - { id: k1, env: B }
                            - { id: "bad id", file: /c, env: C }
                        """));
        assertThat(e.problems())
                .contains("credentials.keys[1].id: \"k1\" is listed twice; key ids are unique")
                .anyMatch(p -> p.startsWith("credentials.keys[2].id: \"bad id\" must be"))
                .anyMatch(p -> p.startsWith("credentials.keys[2].file: give exactly one of file and env"));
    }
}
