package org.mcpfront.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;

@DisplayName("The origin policy")
class OriginPolicyTest {

    private static EdgeConfig config() throws Exception {
        String yaml = """
                oauth:
                  issuer: "https://mcp.example.com"
                  allowed_domains: ["example.com"]
                  google: { client_id: "id", client_secret: "secret" }
                server:
                  allowed_origins: ["https://app.example.org:8443"]
                """;
        return parse(yaml);
    }

    private static EdgeConfig parse(String yaml) throws Exception {
        return EdgeConfig.of(
                ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test"), Map.of()));
    }

    private static EdgeConfig loopbackConfig() throws Exception {
        String yaml = """
                oauth:
                  issuer: "http://localhost:8080"
                  allowed_domains: ["example.com"]
                  identity: dev
                server:
                  host: "127.0.0.1"
                """;
        return parse(yaml);
    }

    @ParameterizedTest(name = "Host {0} → {1}")
    @CsvSource({
        "localhost:8080, true",
        "127.0.0.1:9999, true",
        "[::1]:8080, true",
        "LOCALHOST, true",
        "evil.example.com, false",
        "evil.example.com:8080, false",
        "127.0.0.1.evil.example, false",
    })
    @DisplayName("a gateway on loopback accepts only loopback Host headers (DNS rebinding)")
    void hosts(String host, boolean allowed) throws Exception {
        assertThat(OriginPolicy.hostAllowed(host, loopbackConfig())).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "route hosts: Host {0} → {1}")
    @CsvSource({
        "notion.mcp.example.com, true",
        "NOTION.mcp.example.com:8080, true",
        "mcp.example.com, false",
        "evil.example.com, false",
        "notion.mcp.example.com.evil.example, false",
    })
    @DisplayName("a gateway on loopback also accepts its routes' own hosts, and only those")
    void routeHosts(String host, boolean allowed) throws Exception {
        EdgeConfig config = parse("""
                oauth:
                  issuer: "http://localhost:8080"
                  allowed_domains: ["example.com"]
                  identity: dev
                server:
                  host: "127.0.0.1"
                routes:
                  - { path: /notion, type: http, backend: "http://127.0.0.1:3001/mcp", host: notion.mcp.example.com }
                  - { path: /plain, type: http, backend: "http://127.0.0.1:3001/mcp" }
                """);
        assertThat(OriginPolicy.hostAllowed(host, config)).isEqualTo(allowed);
        assertThat(OriginPolicy.routeOnHost(host, config).map(r -> r.path()))
                .isEqualTo(allowed ? java.util.Optional.of("/notion") : java.util.Optional.empty());
        assertThat(OriginPolicy.allowed("http://notion.mcp.example.com:8080", config))
                .isTrue();
        assertThat(OriginPolicy.allowed("https://notion.mcp.example.com", config))
                .isFalse();
    }

    @ParameterizedTest(name = "public gateway, Host {0}")
    @CsvSource({"mcp.example.com", "10.0.0.7:8080"})
    @DisplayName("a gateway on a public interface leaves Host to OAuth")
    void publicHosts(String host) throws Exception {
        String yaml = """
                oauth:
                  issuer: "https://mcp.example.com"
                  allowed_domains: ["example.com"]
                  google: { client_id: "id", client_secret: "secret" }
                server:
                  host: "0.0.0.0"
                """;
        assertThat(OriginPolicy.hostAllowed(host, parse(yaml))).isTrue();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "http://localhost:6274, true",
        "http://127.0.0.1:3000, true",
        "http://[::1]:80, true",
        "https://mcp.example.com, true",
        "https://MCP.example.com:443, true",
        "https://app.example.org:8443, true",
        "https://app.example.org, false",
        "https://evil.example, false",
        "http://mcp.example.com, false",
        "null, false",
        "https://localhost.evil.example, false",
        "http://127.evil.example, false",
        "not an origin, false",
    })
    @DisplayName("allows loopback, the issuer and configured origins only")
    void decisions(String origin, boolean allowed) throws Exception {
        assertThat(OriginPolicy.allowed(origin, config())).isEqualTo(allowed);
    }
}
