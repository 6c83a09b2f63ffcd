package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mcpfront.config.Configs.DEV_OAUTH;
import static org.mcpfront.config.Configs.httpRoute;
import static org.mcpfront.config.Configs.section;
import static org.mcpfront.config.Configs.withRoutes;
import static org.mcpfront.config.Configs.withSection;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("A config that cannot be used is rejected with problems that name the key path")
class ConfigProblemsTest {

    private static final String GOOD_DOMAINS = "allowed_domains: [example.com]";
    /** A header value with a line break; the value is a stand-in for a secret. */
    private static final String SECRET_HEADER_ROUTE =
            "{path: /a, type: http, backend: \"http://b/mcp\", headers: {X-Key: \"s3cret\\nX: y\"}}";

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad(
                        "an unknown top-level key gets a suggestion",
                        DEV_OAUTH + section("serer", "port: 8080"),
                        "serer",
                        "unknown key (did you mean server?)"),
                bad(
                        "a misspelt route key gets a suggestion",
                        withRoutes("{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", tiemout: 5s}"),
                        "routes[0].tiemout",
                        "unknown key (did you mean timeout?)"),
                bad(
                        "an unknown key without a near match lists the known keys",
                        withSection("cluster", "members: 3"),
                        "cluster.members",
                        "unknown key (expected one of enabled, hazelcast_config, event_bus_port)"),
                bad("the oauth section is required", "routes: []\n", "oauth", "is required"),
                bad(
                        "the issuer is required",
                        section("oauth", "identity: dev", GOOD_DOMAINS),
                        "oauth.issuer",
                        "is required"),
                bad(
                        "the issuer must be an absolute http(s) URL",
                        section("oauth", "issuer: mcp.example.com", "identity: dev", GOOD_DOMAINS),
                        "oauth.issuer",
                        "\"mcp.example.com\" is not an absolute http:// or https:// URL"),
                bad(
                        "the issuer has no trailing slash",
                        section("oauth", "issuer: \"http://localhost:8080/\"", "identity: dev", GOOD_DOMAINS),
                        "oauth.issuer",
                        "must not end with a slash"),
                bad(
                        "the issuer has no query",
                        section("oauth", "issuer: \"http://localhost:8080?x=1\"", "identity: dev", GOOD_DOMAINS),
                        "oauth.issuer",
                        "must not have a query or fragment"),
                bad(
                        "dev sign-in refuses a public issuer",
                        section("oauth", "issuer: \"https://mcp.example.com\"", "identity: dev", GOOD_DOMAINS),
                        "oauth.identity",
                        "dev sign-in is for local use only"),
                bad(
                        "dev sign-in refuses a host that only starts like localhost",
                        section("oauth", "issuer: \"http://localhost.example.com\"", "identity: dev", GOOD_DOMAINS),
                        "oauth.identity",
                        "dev sign-in is for local use only"),
                bad(
                        "a rate limit needs a count and a window",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "limits: { registrations_per_address: \"20 per hour\" }"),
                        "oauth.limits.registrations_per_address",
                        "is not a rate limit: a count and a window, e.g. 20/1h"),
                bad(
                        "a rate limit's window is a duration",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "limits: { authorizations_per_address: \"60/minute\" }"),
                        "oauth.limits.authorizations_per_address",
                        "the window after / must be a duration"),
                bad(
                        "an unknown limit is named",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "limits: { tokens: \"5/1m\" }"),
                        "oauth.limits.tokens",
                        "unknown key"),
                bad(
                        "a trusted proxy is an address or a range, never a name",
                        withSection("server", "trusted_proxies: [\"lb.example.com\"]"),
                        "server.trusted_proxies[0]",
                        "is not an IP address or CIDR range"),
                bad(
                        "a trusted proxy range has no host bits",
                        withSection("server", "trusted_proxies: [\"10.0.0.1/8\"]"),
                        "server.trusted_proxies[0]",
                        "the range starts at 10.0.0.0/8"),
                bad(
                        "an idle timeout that would cut idle SSE streams is refused",
                        withSection("server", "sse_keepalive: 20s", "idle_timeout: 30s"),
                        "server.idle_timeout",
                        "must be at least twice server.sse_keepalive (20s)"),
                bad(
                        "a read timeout must be a positive duration",
                        withSection("server", "read_timeout: 0s"),
                        "server.read_timeout",
                        "must be longer than 0"),
                bad(
                        "dev sign-in refuses a listener on every interface",
                        DEV_OAUTH + section("server", "host: 0.0.0.0"),
                        "oauth.identity",
                        "it needs server.host on loopback (127.0.0.1, ::1 or localhost), not \"0.0.0.0\""),
                bad(
                        "dev sign-in refuses a listener on every IPv6 interface",
                        DEV_OAUTH + section("server", "host: \"::\""),
                        "oauth.identity",
                        "not \"::\""),
                bad(
                        "dev sign-in refuses a listener on a LAN address",
                        DEV_OAUTH + section("server", "host: 192.168.1.20"),
                        "oauth.identity",
                        "not \"192.168.1.20\""),
                bad(
                        "dev sign-in refuses a listener on a name other than localhost",
                        DEV_OAUTH + section("server", "host: my-laptop.local"),
                        "oauth.identity",
                        "not \"my-laptop.local\""),
                bad(
                        "an unknown identity kind is named",
                        section("oauth", "issuer: \"http://localhost:8080\"", "identity: saml", GOOD_DOMAINS),
                        "oauth.identity",
                        "\"saml\" is not one of google, oidc, dev"),
                bad(
                        "Google sign-in needs the google section",
                        section("oauth", "issuer: \"https://mcp.example.com\"", GOOD_DOMAINS),
                        "oauth.google",
                        "is required when oauth.identity is google"),
                bad(
                        "Google sign-in needs a client secret",
                        section(
                                "oauth",
                                "issuer: \"https://mcp.example.com\"",
                                GOOD_DOMAINS,
                                "google: {client_id: abc, client_secret: \"${SECRET:-}\"}"),
                        "oauth.google.client_secret",
                        "is empty"),
                bad(
                        "a misspelt google key gets a suggestion",
                        section(
                                "oauth",
                                "issuer: \"https://mcp.example.com\"",
                                GOOD_DOMAINS,
                                "google: {client_id: abc, client_secret: xyz, client_secert: xyz}"),
                        "oauth.google.client_secert",
                        "did you mean client_secret?"),
                bad(
                        "someone must be able to sign in",
                        section("oauth", "issuer: \"http://localhost:8080\"", "identity: dev", "allowed_domains: []"),
                        "oauth.allowed_domains",
                        "nobody could sign in"),
                bad(
                        "an email address is not a domain",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                "allowed_domains: [\"ann@example.com\"]"),
                        "oauth.allowed_domains[0]",
                        "list it in oauth.allowed_emails"),
                bad(
                        "allowed domains are a list",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                "allowed_domains: example.com"),
                        "oauth.allowed_domains",
                        "must be a list, e.g. [\"example.com\"]"),
                bad(
                        "allowed emails are email addresses",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                "allowed_emails: [ann, \"bob@example.com\"]"),
                        "oauth.allowed_emails[0]",
                        "\"ann\" is not an email address"),
                bad(
                        "a token lifetime is a duration",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "token_ttl: 5x"),
                        "oauth.token_ttl",
                        "\"5x\" is not a duration (use 30s, 5m, 1h or plain seconds)"),
                bad(
                        "the refresh grace is a duration",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "refresh_grace: soon"),
                        "oauth.refresh_grace",
                        "\"soon\" is not a duration (use 30s, 5m, 1h or plain seconds)"),
                bad(
                        "the refresh grace is short: a long one lets a stolen refresh token go unnoticed",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "refresh_grace: 1h"),
                        "oauth.refresh_grace",
                        "\"1h\" is too long: at most 10m"),
                bad(
                        "an unknown storage is named",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "storage: mysql"),
                        "oauth.storage",
                        "\"mysql\" is not one of memory, redis"),
                bad(
                        "the Redis URL is a redis URL, and is not quoted because it may hold a password",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "redis_url: \"http://:hunter2@cache:6379\""),
                        "oauth.redis_url",
                        "is not a redis:// or rediss:// URL"),
                bad(
                        "an unset variable is named with the key that uses it",
                        section("oauth", "issuer: \"${MCP_ISSUER}\"", "identity: dev", GOOD_DOMAINS),
                        "oauth.issuer",
                        "environment variable MCP_ISSUER is not set"),
                bad(
                        "an unclosed placeholder is an error",
                        section(
                                "oauth",
                                "issuer: \"http://localhost:8080\"",
                                "identity: dev",
                                GOOD_DOMAINS,
                                "gcp_project: \"${PROJECT\""),
                        "oauth.gcp_project",
                        "without a closing \"}\""),
                bad(
                        "a route path starts with a slash",
                        withRoutes(httpRoute("notion")),
                        "routes[0].path",
                        "\"notion\" must start with /"),
                bad(
                        "a route path has no trailing slash",
                        withRoutes(httpRoute("/notion/")),
                        "routes[0].path",
                        "must not end with /"),
                bad(
                        "a route path uses safe characters only",
                        withRoutes(httpRoute("/my notes")),
                        "routes[0].path",
                        "\"/my notes\" is not a route path"),
                bad(
                        "a route path has no dot segments",
                        withRoutes(httpRoute("/a/..")),
                        "routes[0].path",
                        "is not a route path"),
                bad(
                        "a route cannot take an OAuth endpoint",
                        withRoutes(httpRoute("/token")),
                        "routes[0].path",
                        "\"/token\" is taken by mcp-front's own /token endpoint"),
                bad(
                        "a route cannot live under an OAuth endpoint",
                        withRoutes(httpRoute("/.well-known/notion")),
                        "routes[0].path",
                        "is taken by mcp-front's own /.well-known endpoint"),
                bad(
                        "a route cannot take the configured health path",
                        withRoutes(httpRoute("/alive")) + section("server", "health_path: /alive"),
                        "routes[0].path",
                        "\"/alive\" is taken by server.health_path"),
                bad(
                        "a duplicate route path names both routes",
                        withRoutes(httpRoute("/db"), httpRoute("/notion"), httpRoute("/db")),
                        "routes[2].path",
                        "\"/db\" is also routes[0].path"),
                bad(
                        "a route path cannot be a prefix of another",
                        withRoutes(httpRoute("/a"), httpRoute("/a/b")),
                        "routes[1].path",
                        "overlaps routes[0].path \"/a\""),
                bad(
                        "a route needs a type",
                        withRoutes("{path: /a, backend: \"http://127.0.0.1:3001/mcp\"}"),
                        "routes[0].type",
                        "is required (http, stdio or aggregate)"),
                bad(
                        "an unknown route type is named",
                        withRoutes("{path: /a, type: grpc}"),
                        "routes[0].type",
                        "\"grpc\" is not one of http, stdio"),
                bad(
                        "an http route needs a backend",
                        withRoutes("{path: /a, type: http}"),
                        "routes[0].backend",
                        "is required"),
                bad(
                        "an http backend is an http(s) URL",
                        withRoutes("{path: /a, type: http, backend: \"tcp://127.0.0.1:3001\"}"),
                        "routes[0].backend",
                        "\"tcp://127.0.0.1:3001\" is not an absolute http:// or https:// URL"),
                bad(
                        "an unknown transport is named",
                        withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", transport: websocket}"),
                        "routes[0].transport",
                        "\"websocket\" is not one of streamable, sse"),
                bad(
                        "a stdio route loses its process by restart or end, nothing else",
                        withRoutes("{path: /a, type: stdio, command: [node], on_process_loss: retry}"),
                        "routes[0].on_process_loss",
                        "\"retry\" is not one of restart, end"),
                bad(
                        "on_process_loss is for stdio routes",
                        withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", on_process_loss: end}"),
                        "routes[0].on_process_loss",
                        "belongs to stdio routes"),
                bad(
                        "an http route has no command",
                        withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", command: [node]}"),
                        "routes[0].command",
                        "belongs to stdio routes"),
                bad(
                        "a stdio route has no backend",
                        withRoutes("{path: /a, type: stdio, command: [node], backend: \"http://b/mcp\"}"),
                        "routes[0].backend",
                        "belongs to http routes"),
                bad(
                        "a stdio command is a list, not a shell line",
                        withRoutes("{path: /a, type: stdio, command: \"docker run -i mcp/postgres\"}"),
                        "routes[0].command",
                        "must be a list, e.g. [\"docker\""),
                bad(
                        "a stdio route needs a command",
                        withRoutes("{path: /a, type: stdio}"),
                        "routes[0].command",
                        "is required"),
                bad(
                        "a stdio command names a program",
                        withRoutes("{path: /a, type: stdio, command: []}"),
                        "routes[0].command",
                        "must start with the program to run"),
                bad(
                        "an environment name is a valid name",
                        withRoutes("{path: /a, type: stdio, command: [node], environment: {1X: y}}"),
                        "routes[0].environment.1X",
                        "is not a valid environment variable name"),
                bad(
                        "an environment entry needs a value",
                        withRoutes("{path: /a, type: stdio, command: [node], environment: {TOKEN: }}"),
                        "routes[0].environment.TOKEN",
                        "has no value (write \"\" for an empty one)"),
                bad(
                        "a header value has no line break, and is not quoted because it may be a secret",
                        withRoutes(SECRET_HEADER_ROUTE),
                        "routes[0].headers.X-Key",
                        "must not contain line breaks"),
                bad(
                        "a header name is an HTTP token",
                        withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", headers: {\"X Key\": v}}"),
                        "routes[0].headers.X Key",
                        "is not a valid HTTP header name"),
                bad(
                        "a timeout in a later route names its index",
                        withRoutes(httpRoute("/a"), "{path: /b, type: http, backend: \"http://b/mcp\", timeout: 5x}"),
                        "routes[1].timeout",
                        "\"5x\" is not a duration (use 30s, 5m, 1h or plain seconds)"),
                bad(
                        "a timeout is longer than zero",
                        withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", request_timeout: 0}"),
                        "routes[0].request_timeout",
                        "\"0\" must be longer than 0"),
                bad(
                        "a single value cannot be a mapping",
                        withRoutes("{path: /a, type: http, backend: \"http://b/mcp\", timeout: {minutes: 5}}"),
                        "routes[0].timeout",
                        "must be a single value, not a mapping"),
                bad("routes are a list", DEV_OAUTH + section("routes", "path: /a"), "routes", "must be a list"),
                bad("each route is a mapping", withRoutes("/a"), "routes[0]", "must be a mapping of keys to values"),
                bad(
                        "a section is a mapping",
                        DEV_OAUTH + "server: 8080\n",
                        "server",
                        "must be a mapping of keys to values, not 8080"),
                bad(
                        "a port is in range",
                        withSection("server", "port: 70000"),
                        "server.port",
                        "\"70000\" is not a port number (1-65535, or 0 for any free port)"),
                bad(
                        "a port is a number",
                        withSection("server", "port: http"),
                        "server.port",
                        "\"http\" is not a port number"),
                bad(
                        "the health path starts with a slash",
                        withSection("server", "health_path: healthz"),
                        "server.health_path",
                        "\"healthz\" must start with /"),
                bad(
                        "the health path cannot take an OAuth endpoint",
                        withSection("server", "health_path: /token"),
                        "server.health_path",
                        "is taken by mcp-front's own /token endpoint"),
                bad(
                        "a body size is a size",
                        withSection("server", "max_body_size: 4 Megs"),
                        "server.max_body_size",
                        "\"4 Megs\" is not a size (use bytes, or 512KiB, 4MiB, 1MB)"),
                bad(
                        "the SSE keep-alive stays under what load balancers allow",
                        withSection("server", "sse_keepalive: 30s"),
                        "server.sse_keepalive",
                        "\"30s\" is too long: at most 25s"),
                bad(
                        "an allowed origin has no path",
                        withSection("server", "allowed_origins: [\"https://claude.ai/chat\"]"),
                        "server.allowed_origins[0]",
                        "is not an origin (scheme://host[:port]"),
                bad(
                        "an allowed origin is not a wildcard",
                        withSection("server", "allowed_origins: [\"*\"]"),
                        "server.allowed_origins[0]",
                        "\"*\" is not an origin"),
                bad(
                        "a route host is a host name, not a URL",
                        withRoutes(
                                "{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", host: \"https://a.mcp.example.com\"}"),
                        "routes[0].host",
                        "must be a host name only, e.g. notion.mcp.example.com"),
                bad(
                        "a route host has no port (the issuer's is used)",
                        withRoutes(
                                "{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", host: \"a.mcp.example.com:8443\"}"),
                        "routes[0].host",
                        "must be a host name only"),
                bad(
                        "a route host is a DNS name",
                        withRoutes(
                                "{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", host: \"a_b.example.com\"}"),
                        "routes[0].host",
                        "is not a DNS name"),
                bad(
                        "a route host is not an address literal",
                        withRoutes(
                                "{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", host: \"10.0.0.7\"}"),
                        "routes[0].host",
                        "is not a DNS name"),
                bad(
                        "two routes cannot share a host",
                        withRoutes(
                                "{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", host: \"a.mcp.example.com\"}",
                                "{path: /b, type: http, backend: \"http://127.0.0.1:3001/mcp\", host: \"A.mcp.example.com\"}"),
                        "routes[1].host",
                        "\"a.mcp.example.com\" is also routes[0].host; one host serves one route"),
                bad(
                        "a route host is not the issuer's host",
                        section(
                                        "oauth",
                                        "issuer: \"https://mcp.example.com\"",
                                        GOOD_DOMAINS,
                                        "google: { client_id: \"id\", client_secret: \"secret\" }")
                                + "routes:\n  - {path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", host: mcp.example.com}\n",
                        "routes[0].host",
                        "is oauth.issuer's host"),
                bad(
                        "a flag is true or false",
                        withSection("cluster", "enabled: maybe"),
                        "cluster.enabled",
                        "\"maybe\" is not true or false"),
                bad(
                        "a cluster with memory storage is refused and the reason is given",
                        withSection("cluster", "enabled: true"),
                        "cluster.enabled",
                        "a cluster needs oauth.storage: redis; with memory storage each instance"));
    }

    private static Arguments bad(String behaviour, String yaml, String keyPath, String fragment) {
        return Arguments.of(behaviour, yaml, keyPath, fragment);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    @DisplayName("each bad value is reported at its key path")
    void reportsTheKeyPath(String behaviour, String yaml, String keyPath, String fragment) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse(yaml));

        assertThat(e).as("config should be rejected:%n%s", yaml).isNotNull();
        assertThat(e.problems())
                .anySatisfy(problem ->
                        assertThat(problem).startsWith(keyPath + ": ").contains(fragment));
    }

    @Test
    @DisplayName("secrets from header values and the Redis URL never appear in a problem")
    void keepsSecretsOutOfProblems() {
        String yaml = section(
                        "oauth",
                        "issuer: \"http://localhost:8080\"",
                        "identity: dev",
                        GOOD_DOMAINS,
                        "redis_url: \"http://:hunter2@cache:6379\"")
                + "routes:\n  - " + SECRET_HEADER_ROUTE + "\n";

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse(yaml));

        assertThat(e.problems()).hasSize(2).noneMatch(p -> p.contains("hunter2") || p.contains("s3cret"));
    }

    @Test
    @DisplayName("every problem is reported, not only the first")
    void collectsAllProblems() {
        String yaml =
                section("oauth", "issuer: \"http://localhost:8080/\"", "identity: dev", GOOD_DOMAINS, "token_ttl: soon")
                        + "routes:\n"
                        + "  - {path: /a, type: http, backend: \"http://b/mcp\", tiemout: 5m}\n"
                        + "  - {path: /a, type: stdio}\n"
                        + section("server", "port: -1");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.parse(yaml));

        assertThat(e.problems())
                .extracting(p -> p.substring(0, p.indexOf(": ")))
                .containsExactlyInAnyOrder(
                        "oauth.issuer",
                        "oauth.token_ttl",
                        "server.port",
                        "routes[0].tiemout",
                        "routes[1].path",
                        "routes[1].command");
    }
}
