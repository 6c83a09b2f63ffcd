package org.mcpfront.edge;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The origin policy")
class OriginPolicyTest {

    private static FrontConfig config() throws Exception {
        String yaml = """
                oauth:
                  issuer: "https://mcp.example.com"
                  allowed_domains: ["example.com"]
                  google: { client_id: "id", client_secret: "secret" }
                server:
                  allowed_origins: ["https://app.example.org:8443"]
                """;
        return ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test"), Map.of());
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
