package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mcpfront.config.Configs.DEV_OAUTH;
import static org.mcpfront.config.Configs.section;
import static org.mcpfront.config.Configs.withRoutes;
import static org.mcpfront.config.Configs.withSection;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcpfront.config.OAuthConfig.GoogleConfig;
import org.mcpfront.config.OAuthConfig.IdentityKind;
import org.mcpfront.config.OAuthConfig.StorageKind;
import org.mcpfront.config.RouteConfig.BackendTransport;
import org.mcpfront.config.RouteConfig.RouteType;

@DisplayName("A valid config is parsed into typed records")
class ConfigParserTest {

    /** The example from DESIGN.md, the seed's shape. */
    private static final String SEED = """
            oauth:
              issuer: "https://mcp-internal.domain.org"
              gcp_project: "your-gcp-project"
              allowed_domains: ["yourcompany.com"]
              allowed_emails: []
              token_ttl: 3600
              refresh_token_ttl: 2592000
              storage: "redis"
              redis_url: "${REDIS_URL:-redis://127.0.0.1:6379}"
              signing_key_file: ""
              identity: "google"
              google:
                client_id: "${GOOGLE_CLIENT_ID}"
                client_secret: "${GOOGLE_CLIENT_SECRET}"
                issuer: "https://accounts.google.com"

            routes:
              - path: "/notion"
                type: "http"
                backend: "http://notion-mcp:9090/mcp"
                transport: "streamable"
                headers: { Authorization: "Bearer ${NOTION_TOKEN}" }
                timeout: "5m"
              - path: "/db"
                type: "stdio"
                command: ["docker", "run", "--rm", "-i", "mcp/postgres:latest"]
                environment: { DATABASE_URL: "${DATABASE_URL}" }
                timeout: "5m"

            server:
              host: "0.0.0.0"
              port: 8080
              health_path: "/health"

            cluster:
              enabled: true
              hazelcast_config: ""
            """;

    private static final Map<String, String> SEED_ENV = Map.of(
            "GOOGLE_CLIENT_ID", "client-1",
            "GOOGLE_CLIENT_SECRET", "secret-1",
            "NOTION_TOKEN", "ntn_123",
            "DATABASE_URL", "postgres://db/app");

    @Test
    @DisplayName("the seed's example parses, with its variables expanded")
    void parsesTheSeedExample() throws ConfigException {
        FrontConfig config = Configs.parse(SEED, SEED_ENV);

        OAuthConfig oauth = config.oauth();
        assertThat(oauth.issuer()).isEqualTo("https://mcp-internal.domain.org");
        assertThat(oauth.gcpProject()).isEqualTo("your-gcp-project");
        assertThat(oauth.allowedDomains()).containsExactly("yourcompany.com");
        assertThat(oauth.tokenTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(oauth.refreshTokenTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(oauth.storage()).isEqualTo(StorageKind.REDIS);
        assertThat(oauth.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(oauth.signingKeyFile()).isEmpty();
        assertThat(oauth.identity()).isEqualTo(IdentityKind.GOOGLE);
        assertThat(oauth.google()).contains(new GoogleConfig("client-1", "secret-1", "https://accounts.google.com"));

        RouteConfig notion = config.route("/notion").orElseThrow();
        assertThat(notion.type()).isEqualTo(RouteType.HTTP);
        assertThat(notion.http().orElseThrow().url()).isEqualTo(URI.create("http://notion-mcp:9090/mcp"));
        assertThat(notion.http().orElseThrow().transport()).isEqualTo(BackendTransport.STREAMABLE);
        assertThat(notion.headers()).containsExactly(Map.entry("Authorization", "Bearer ntn_123"));
        assertThat(notion.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(5));

        RouteConfig db = config.route("/db").orElseThrow();
        assertThat(db.type()).isEqualTo(RouteType.STDIO);
        assertThat(db.stdio().orElseThrow().command())
                .containsExactly("docker", "run", "--rm", "-i", "mcp/postgres:latest");
        assertThat(db.stdio().orElseThrow().environment())
                .containsExactly(Map.entry("DATABASE_URL", "postgres://db/app"));
        assertThat(db.http()).isEmpty();
        assertThat(db.stdio()).isPresent();

        assertThat(config.server().host()).isEqualTo("0.0.0.0");
        assertThat(config.cluster()).isEqualTo(new ClusterConfig(true, Optional.empty()));
    }

    @Test
    @DisplayName("a minimal config gets every default")
    void fillsDefaults() throws ConfigException {
        FrontConfig config = Configs.parse(DEV_OAUTH);

        OAuthConfig oauth = config.oauth();
        assertThat(oauth.gcpProject()).isEmpty();
        assertThat(oauth.allowedEmails()).isEmpty();
        assertThat(oauth.tokenTtl()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(oauth.refreshTokenTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(oauth.refreshGrace()).isEqualTo(Duration.ofSeconds(60));
        assertThat(oauth.storage()).isEqualTo(StorageKind.MEMORY);
        assertThat(oauth.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(oauth.signingKeyFile()).isEmpty();
        assertThat(oauth.google()).isEmpty();
        assertThat(config.routes()).isEmpty();
        assertThat(config.server())
                .isEqualTo(new ServerConfig(
                        "127.0.0.1",
                        8080,
                        "/health",
                        4 * 1024 * 1024,
                        Duration.ofSeconds(20),
                        List.of(),
                        1000,
                        Duration.ofSeconds(60),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(30),
                        List.of(),
                        "X-Forwarded-For",
                        Duration.ZERO));
        assertThat(config.cluster()).isEqualTo(new ClusterConfig(false, Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"127.0.0.1", "127.0.0.2", "localhost", "::1"})
    @DisplayName("dev sign-in runs on a listener that only this machine reaches")
    void devOnLoopback(String host) throws ConfigException {
        FrontConfig config = Configs.parse(withSection("server", "host: " + host));

        assertThat(config.oauth().identity()).isEqualTo(IdentityKind.DEV);
    }

    @Test
    @DisplayName("the limits for strangers default to what a person needs and a flood does not get")
    void limitDefaults() throws ConfigException {
        FrontConfig config = Configs.parse(DEV_OAUTH);

        assertThat(config.oauth().unusedClientTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(config.oauth().limits())
                .isEqualTo(new OAuthLimits(
                        new RateLimit(20, Duration.ofHours(1)),
                        new RateLimit(200, Duration.ofHours(1)),
                        new RateLimit(60, Duration.ofMinutes(1)),
                        64L * 1024 * 1024));
        assertThat(config.server().trustedProxies()).isEmpty();
        assertThat(config.server().trustedProxyHeader()).isEqualTo("X-Forwarded-For");
    }

    @Test
    @DisplayName("limits, trusted proxies and the refresh grace are read as written")
    void limitsAndProxies() throws ConfigException {
        FrontConfig config = Configs.parse(DEV_OAUTH.replace("identity: dev", """
                identity: dev
                  unused_client_ttl: 6h
                  refresh_grace: 0s
                  limits: { registrations_per_address: "5/10m", authorizations_per_address: " 100 / 1h ",
                            memory_storage: 1MiB }""")
                + section(
                        "server",
                        "trusted_proxies: [\"35.191.0.0/16\", \"2001:db8::/32\", \"203.0.113.7\"]",
                        "trusted_proxy_header: X-Real-Client"));

        assertThat(config.oauth().unusedClientTtl()).isEqualTo(Duration.ofHours(6));
        assertThat(config.oauth().refreshGrace()).as("0 turns the grace off").isZero();
        assertThat(config.oauth().limits().registrationsPerAddress())
                .isEqualTo(new RateLimit(5, Duration.ofMinutes(10)));
        assertThat(config.oauth().limits().authorizationsPerAddress())
                .isEqualTo(new RateLimit(100, Duration.ofHours(1)));
        assertThat(config.oauth().limits().memoryStorageBytes()).isEqualTo(1024 * 1024);
        assertThat(config.server().trustedProxies())
                .extracting(Object::toString)
                .containsExactly("35.191.0.0/16", "2001:db8::/32", "203.0.113.7/32");
        assertThat(config.server().trustedProxyHeader()).isEqualTo("X-Real-Client");
    }

    @Test
    @DisplayName("Google is the default identity and its issuer defaults to accounts.google.com")
    void defaultsToGoogle() throws ConfigException {
        FrontConfig config = Configs.parse(section(
                "oauth",
                "issuer: \"https://mcp.example.com\"",
                "allowed_emails: [\"Ann@Example.com\"]",
                "google: {client_id: id, client_secret: secret}"));

        assertThat(config.oauth().identity()).isEqualTo(IdentityKind.GOOGLE);
        assertThat(config.oauth().google()).contains(new GoogleConfig("id", "secret", "https://accounts.google.com"));
        assertThat(config.oauth().allowedEmails()).containsExactly("ann@example.com");
    }

    @Test
    @DisplayName("dev sign-in accepts 127.0.0.1 and needs no google section")
    void devOnLoopback() throws ConfigException {
        FrontConfig config = Configs.parse(section(
                "oauth", "issuer: \"http://127.0.0.1:9000\"", "identity: dev", "allowed_domains: [example.com]"));

        assertThat(config.oauth().identity()).isEqualTo(IdentityKind.DEV);
        assertThat(config.oauth().google()).isEmpty();
    }

    @Test
    @DisplayName("allowed domains are lower-cased and lose a leading @")
    void normalizesDomains() throws ConfigException {
        FrontConfig config = Configs.parse(section(
                "oauth",
                "issuer: \"http://localhost:8080\"",
                "identity: dev",
                "allowed_domains: [\"@Example.COM\", corp.example.org]"));

        assertThat(config.oauth().allowedDomains()).containsExactly("example.com", "corp.example.org");
    }

    @Test
    @DisplayName("${VAR} takes the environment's value; ${VAR:-default} falls back when VAR is unset or empty")
    void expandsVariables() throws ConfigException {
        String yaml = withRoutes("{path: /a, type: stdio, command: [\"${TOOL:-node}\", \"${SCRIPT}\"], "
                + "environment: {TOKEN: \"${TOKEN}\", MODE: \"${MODE:-safe}\", BOTH: \"${A}-${B:-b}\"}}");

        FrontConfig config = Configs.parse(yaml, Map.of("SCRIPT", "server.js", "TOKEN", "t0k", "MODE", "", "A", "a"));

        RouteConfig route = config.routes().get(0);
        assertThat(route.stdio().orElseThrow().command()).containsExactly("node", "server.js");
        assertThat(route.stdio().orElseThrow().environment())
                .containsExactlyInAnyOrderEntriesOf(Map.of("TOKEN", "t0k", "MODE", "safe", "BOTH", "a-b"));
    }

    @Test
    @DisplayName("$${ is a literal ${ and a lone $ stays as written; expanded values are not expanded again")
    void escapesPlaceholders() throws ConfigException {
        String yaml = withRoutes("{path: /a, type: stdio, command: [sh], "
                + "environment: {LITERAL: \"$${HOME} costs $5 $$\", NESTED: \"${VALUE}\"}}");

        FrontConfig config = Configs.parse(yaml, Map.of("VALUE", "${HOME}"));

        assertThat(config.routes().get(0).stdio().orElseThrow().environment())
                .containsExactlyInAnyOrderEntriesOf(Map.of("LITERAL", "${HOME} costs $5 $$", "NESTED", "${HOME}"));
    }

    @Test
    @DisplayName("numbers and flags can come from the environment")
    void expandsTypedValues() throws ConfigException {
        String yaml = DEV_OAUTH + section("server", "port: \"${PORT:-9090}\"", "sse_keepalive: \"${KEEPALIVE:-15s}\"");

        FrontConfig config = Configs.parse(yaml, Map.of("PORT", "7070"));

        assertThat(config.server().port()).isEqualTo(7070);
        assertThat(config.server().sseKeepAlive()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    @DisplayName("every unset variable of a value is named")
    void namesEveryUnsetVariable() {
        String yaml = withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", "
                + "headers: {Authorization: \"${USER_NAME}:${USER_PASSWORD}\"}}");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse(yaml));

        assertThat(e.problems())
                .containsExactly("routes[0].headers.Authorization: environment variables "
                        + "USER_NAME, USER_PASSWORD are not set (set them, or give defaults: ${USER_NAME:-value})");
    }

    @ParameterizedTest(name = "timeout {0} is {1}")
    @CsvSource({"30, PT30S", "30s, PT30S", "5m, PT5M", "1h, PT1H", "1h30m, PT1H30M", "500ms, PT0.5S", "2d, PT48H"})
    @DisplayName("durations take units or plain seconds")
    void parsesDurations(String written, Duration expected) throws ConfigException {
        FrontConfig config = Configs.parse(
                withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", timeout: %s, request_timeout: %s}"
                        .formatted(written, written)));

        assertThat(config.routes().get(0).sessions().idleTimeout()).isEqualTo(expected);
        assertThat(config.routes().get(0).sessions().requestTimeout()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "max_body_size {0} is {1} bytes")
    @CsvSource({
        "1000, 1000",
        "1000B, 1000",
        "512KiB, 524288",
        "4MiB, 4194304",
        "4 mib, 4194304",
        "1MB, 1000000",
        "1GiB, 1073741824"
    })
    @DisplayName("sizes take binary or decimal units or plain bytes")
    void parsesSizes(String written, long expected) throws ConfigException {
        FrontConfig config = Configs.parse(withSection("server", "max_body_size: " + written));

        assertThat(config.server().maxBodyBytes()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} with transport [{1}] uses {2}")
    @CsvSource({
        "http://b:3001/mcp, , STREAMABLE",
        "http://b:3001/sse, , SSE",
        "https://b/v1/sse, , SSE",
        "http://b:3001/sse, streamable, STREAMABLE",
        "http://b:3001/mcp, sse, SSE"
    })
    @DisplayName("the backend transport defaults to sse for a URL ending in /sse, else streamable")
    void defaultsTransportFromUrl(String backend, String transport, BackendTransport expected) throws ConfigException {
        String route = "{path: /a, type: http, backend: \"" + backend + "\""
                + (transport == null ? "" : ", transport: " + transport) + "}";

        FrontConfig config = Configs.parse(withRoutes(route));

        assertThat(config.routes().get(0).http().orElseThrow().transport()).isEqualTo(expected);
    }

    @Test
    @DisplayName("a stdio route restarts a lost process unless it says end")
    void onProcessLoss() throws ConfigException {
        FrontConfig config = Configs.parse(withRoutes(
                "{path: /a, type: stdio, command: [node]}",
                "{path: /b, type: stdio, command: [node], on_process_loss: end}",
                "{path: /c, type: stdio, command: [node], on_process_loss: RESTART}"));

        assertThat(config.routes())
                .extracting(r -> r.stdio().orElseThrow().onProcessLoss())
                .containsExactly(
                        RouteConfig.OnProcessLoss.RESTART,
                        RouteConfig.OnProcessLoss.END,
                        RouteConfig.OnProcessLoss.RESTART);
    }

    @Test
    @DisplayName("routes may be missing, empty or null")
    void allowsNoRoutes() throws ConfigException {
        assertThat(Configs.parse(DEV_OAUTH).routes()).isEmpty();
        assertThat(Configs.parse(DEV_OAUTH + "routes: []\n").routes()).isEmpty();
        assertThat(Configs.parse(DEV_OAUTH + "routes:\n").routes()).isEmpty();
    }

    @Test
    @DisplayName("route paths may share a prefix that is not a whole segment, and may have several segments")
    void acceptsNeighbourPaths() throws ConfigException {
        FrontConfig config = Configs.parse(withRoutes(
                Configs.httpRoute("/a"),
                Configs.httpRoute("/ab"),
                Configs.httpRoute("/team/db"),
                Configs.httpRoute("/tokens"),
                Configs.httpRoute("/v1.2_x-y")));

        assertThat(config.routes())
                .extracting(RouteConfig::path)
                .containsExactly("/a", "/ab", "/team/db", "/tokens", "/v1.2_x-y");
    }

    @Test
    @DisplayName("YAML 1.1 look-alikes stay the strings they were written as")
    void keepsScalarsAsWritten() throws ConfigException {
        FrontConfig config = Configs.parse(withRoutes("{path: /a, type: stdio, command: [node], "
                + "environment: {FLAG: yes, SWITCH: on, MODE: 0755, VERSION: 1.10, DAY: 2024-01-31, "
                + "PORT: 5432, DEBUG: true}}"));

        assertThat(config.routes().get(0).stdio().orElseThrow().environment())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "FLAG",
                        "yes",
                        "SWITCH",
                        "on",
                        "MODE",
                        "0755",
                        "VERSION",
                        "1.10",
                        "DAY",
                        "2024-01-31",
                        "PORT",
                        "5432",
                        "DEBUG",
                        "true"));
    }

    @Test
    @DisplayName("port 0 asks for any free port")
    void acceptsPortZero() throws ConfigException {
        assertThat(Configs.parse(withSection("server", "port: 0")).server().port())
                .isZero();
    }

    @Test
    @DisplayName("allowed origins are normalized to scheme://host[:port]")
    void normalizesOrigins() throws ConfigException {
        FrontConfig config = Configs.parse(
                withSection("server", "allowed_origins: [\"https://Claude.AI/\", \"http://localhost:6274\"]"));

        assertThat(config.server().allowedOrigins()).containsExactly("https://claude.ai", "http://localhost:6274");
    }

    @Test
    @DisplayName("empty file settings mean none, and a cluster with redis storage is accepted")
    void treatsEmptyFilesAsAbsent() throws ConfigException {
        FrontConfig config = Configs.parse(section(
                        "oauth",
                        "issuer: \"http://localhost:8080\"",
                        "identity: dev",
                        "allowed_domains: [example.com]",
                        "storage: redis",
                        "redis_url: \"rediss://:pw@cache.internal:6380/0\"",
                        "signing_key_file: \"\"")
                + section(
                        "cluster",
                        "enabled: true",
                        "hazelcast_config: /etc/mcp-front/hazelcast.yaml",
                        "event_bus_port: 5710"));

        assertThat(config.oauth().signingKeyFile()).isEmpty();
        assertThat(config.cluster())
                .isEqualTo(new ClusterConfig(true, Optional.of("/etc/mcp-front/hazelcast.yaml"), 5710));
        assertThat(config.oauth().toString()).doesNotContain("pw@").contains("rediss://***@cache.internal:6380/0");
    }

    @Test
    @DisplayName("idle timeouts default to 30 minutes for http routes and 5 minutes for stdio routes; limits likewise "
            + "differ")
    void perTypeDefaults() throws ConfigException {
        FrontConfig config = Configs.parse(withRoutes(
                Configs.httpRoute("/web"), "{path: \"/proc\", type: stdio, command: [\"node\", \"server.js\"]}"));
        RouteConfig web = config.route("/web").orElseThrow();
        RouteConfig proc = config.route("/proc").orElseThrow();
        assertThat(web.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(proc.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(web.sessions().max()).isEqualTo(500);
        assertThat(proc.sessions().max()).isEqualTo(20);
        assertThat(config.server().maxSessions()).isEqualTo(1000);
    }
}
