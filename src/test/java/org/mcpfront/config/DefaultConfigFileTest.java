package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.OAuthConfig.IdentityKind;
import org.mcpfront.config.OAuthConfig.StorageKind;

@DisplayName("The shipped conf/mcp-front.yaml")
class DefaultConfigFileTest {

    @Test
    @DisplayName("parses with an empty environment into a local dev setup")
    void parsesWithoutEnvironment() throws ConfigException {
        FrontConfig config = ConfigParser.parse(ConfigFiles.read(Path.of("conf/mcp-front.yaml")), Map.of());

        assertThat(config.oauth().issuer()).isEqualTo("http://localhost:8080");
        assertThat(config.oauth().identity()).isEqualTo(IdentityKind.DEV);
        assertThat(config.oauth().storage()).isEqualTo(StorageKind.MEMORY);
        assertThat(config.oauth().allowedDomains()).containsExactly("example.com");
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.cluster().enabled()).isFalse();
        RouteConfig everything = config.route("/everything").orElseThrow();
        assertThat(everything.type()).isEqualTo(RouteConfig.RouteType.STDIO);
        assertThat(everything.stdio().orElseThrow().command())
                .containsExactly("npx", "-y", "@modelcontextprotocol/server-everything");
        RouteConfig memory = config.route("/memory").orElseThrow();
        assertThat(memory.stdio().orElseThrow().command())
                .containsExactly("npx", "-y", "@modelcontextprotocol/server-memory");
        assertThat(memory.stdio().orElseThrow().environment()).containsKey("MEMORY_FILE_PATH");
    }
}
