package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.OAuthConfig.IdentityKind;
import org.mcpfront.config.RouteIdentity.Kind;

@DisplayName("Identity config: oauth.oidc, oauth.gcp, group:/iam: principals and routes[].identity")
class IdentityConfigTest {

    private static final String OIDC = """
            oauth:
              issuer: "https://mcp.example.com"
              identity: oidc
              allowed_domains: [example.com]
              allowed_emails: ["iam:roles/run.invoker", "Group:Eng@Example.com", "bob@gmail.com"]
              gcp_project: my-project
              oidc: { issuer: "https://login.example.com/", client_id: abc, client_secret: "${SECRET}" }
              gcp:
                iam_cache_ttl: 2m
                workspace: { admin_email: admin@example.com, cache_ttl: 30m }
            routes:
              - { path: /a, type: http, backend: "https://a.example.com/mcp", identity: assertion }
              - path: /b
                type: http
                backend: "https://b-xyz.a.run.app/mcp"
                identity: { type: google_id_token }
              - path: /c
                type: http
                backend: "https://c.example.com/mcp"
                identity: { type: assertion, header: X-User }
              - { path: /d, type: stdio, command: [cat], identity: environment }
              - { path: /e, type: http, backend: "https://iap.example.com/mcp", identity: { type: google_id_token, audience: "123.apps.googleusercontent.com" } }
            """;

    @Test
    @DisplayName("a full identity setup is read with its defaults and the environment's credentials")
    void full() throws ConfigException {
        FrontConfig config = Configs.parse(
                OIDC,
                Map.of(
                        "SECRET",
                        "s3cret",
                        "GOOGLE_APPLICATION_CREDENTIALS",
                        "/keys/sa.json",
                        "GCE_METADATA_HOST",
                        "127.0.0.1:8181"));
        OAuthConfig oauth = config.oauth();

        assertThat(oauth.identity()).isEqualTo(IdentityKind.OIDC);
        assertThat(oauth.oidc()).contains(new OidcConfig("https://login.example.com", "abc", "s3cret", "groups"));
        assertThat(oauth.allowedEmails())
                .containsExactly("iam:roles/run.invoker", "group:eng@example.com", "bob@gmail.com");
        assertThat(oauth.gcp().credentialsFile()).contains("/keys/sa.json");
        assertThat(oauth.gcp().metadataUrl()).isEqualTo("http://127.0.0.1:8181");
        assertThat(oauth.gcp().iamCacheTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(oauth.gcp().workspace())
                .contains(new GcpConfig.WorkspaceConfig(
                        "admin@example.com", GcpConfig.DEFAULT_DIRECTORY_URL, Duration.ofMinutes(30)));
        assertThat(oauth.toString()).doesNotContain("s3cret");

        assertThat(config.route("/a").orElseThrow().identity())
                .isEqualTo(new RouteIdentity(Kind.ASSERTION, RouteIdentity.DEFAULT_HEADER, Optional.empty()));
        assertThat(config.route("/b").orElseThrow().identity().kind()).isEqualTo(Kind.GOOGLE_ID_TOKEN);
        assertThat(config.route("/c").orElseThrow().identity().header()).isEqualTo("X-User");
        assertThat(config.route("/d").orElseThrow().identity().kind()).isEqualTo(Kind.ENVIRONMENT);
        assertThat(config.route("/e").orElseThrow().identity().audience()).contains("123.apps.googleusercontent.com");
    }

    @Test
    @DisplayName("without oauth.gcp: the metadata server, Google's endpoints and a 5 minute IAM cache")
    void defaults() throws ConfigException {
        OAuthConfig oauth = Configs.parse(Configs.DEV_OAUTH).oauth();
        assertThat(oauth.gcp()).isEqualTo(GcpConfig.defaults());
        assertThat(Configs.parse(Configs.withRoutes(Configs.httpRoute("/x")))
                        .route("/x")
                        .orElseThrow()
                        .identity())
                .isEqualTo(RouteIdentity.none());
    }

    @Test
    @DisplayName("mistakes are named with their key path")
    void problems() {
        String yaml = """
                oauth:
                  issuer: "https://mcp.example.com"
                  identity: oidc
                  allowed_domains: [example.com]
                  allowed_emails: ["iam:viewer", "group:"]
                  gcp:
                    workspace: { admin_email: admin@example.com }
                routes:
                  - { path: /a, type: http, backend: "https://a.example.com/mcp", identity: environment }
                  - { path: /b, type: stdio, command: [cat], identity: assertion }
                  - { path: /c, type: http, backend: "https://c.example.com/mcp", identity: { type: assertion, header: Authorization } }
                  - { path: /d, type: http, backend: "https://d.example.com/mcp", identity: google_id_token, headers: { Authorization: "Bearer x" } }
                  - { path: /e, type: http, backend: "https://e.example.com/mcp", identity: jwt }
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse(yaml));
        List<String> problems = e.problems();
        assertThat(problems).anyMatch(p -> p.startsWith("oauth.oidc") && p.contains("required"));
        assertThat(problems).anyMatch(p -> p.startsWith("oauth.allowed_emails[0]") && p.contains("iam:roles/viewer"));
        assertThat(problems).anyMatch(p -> p.startsWith("oauth.allowed_emails[1]") && p.contains("group principal"));
        assertThat(problems).anyMatch(p -> p.startsWith("oauth.gcp.workspace") && p.contains("service-account key"));
        assertThat(problems).anyMatch(p -> p.startsWith("routes[0].identity") && p.contains("stdio routes"));
        assertThat(problems).anyMatch(p -> p.startsWith("routes[1].identity") && p.contains("environment"));
        assertThat(problems).anyMatch(p -> p.startsWith("routes[2].identity.header"));
        assertThat(problems).anyMatch(p -> p.startsWith("routes[3].headers") && p.contains("authorization"));
        assertThat(problems).anyMatch(p -> p.startsWith("routes[4].identity") && p.contains("google_id_token"));
    }

    @Test
    @DisplayName("iam: principals need oauth.gcp_project")
    void iamNeedsProject() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse("""
                oauth:
                  issuer: "http://localhost:8080"
                  identity: dev
                  allowed_emails: ["iam:roles/viewer"]
                """));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("oauth.gcp_project") && p.contains("iam:"));
    }
}
