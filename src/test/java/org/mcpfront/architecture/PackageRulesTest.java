package org.mcpfront.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shape the code keeps (docs/architecture.md): the edge talks to sessions and the supervisor only
 * through the typed bus contract in {@code bus}, never by importing them.
 */
@DisplayName("Package rules")
class PackageRulesTest {

    private static final Path MAIN = Path.of("src/main/java/org/mcpfront");

    private static List<String> importsOf(String pkg) throws IOException {
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(f -> {
                        try {
                            return Files.readAllLines(f).stream()
                                    .filter(line -> line.startsWith("import org.mcpfront."))
                                    .map(line -> f.getFileName() + ": " + line);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
    }

    @Test
    @DisplayName("edge imports neither session nor supervisor")
    void edgeUsesTheBus() throws IOException {
        assertThat(importsOf("edge"))
                .isNotEmpty()
                .noneMatch(line -> line.contains("org.mcpfront.session.") || line.contains("org.mcpfront.supervisor."));
    }

    @Test
    @DisplayName("the protocol package depends on nothing that does I/O for sessions or the edge")
    void protocolStaysBelow() throws IOException {
        assertThat(importsOf("protocol"))
                .noneMatch(line -> line.contains("org.mcpfront.edge.")
                        || line.contains("org.mcpfront.session.")
                        || line.contains("org.mcpfront.supervisor."));
    }

    @Test
    @DisplayName("the config records and their parser import no package that imports config (no cycle through the bus)")
    void configStaysBelow() throws IOException {
        assertThat(importsOf("config"))
                .noneMatch(line -> line.contains("org.mcpfront.bus.")
                        || line.contains("org.mcpfront.transport.")
                        || line.contains("org.mcpfront.edge.")
                        || line.contains("org.mcpfront.session.")
                        || line.contains("org.mcpfront.supervisor."));
    }

    @Test
    @DisplayName("an aggregate is made of ordinary sessions' backends: session does not know it, it knows no edge")
    void aggregateSitsOnSessions() throws IOException {
        assertThat(importsOf("session")).noneMatch(line -> line.contains("org.mcpfront.aggregate."));
        assertThat(importsOf("aggregate"))
                .isNotEmpty()
                .noneMatch(line -> line.contains("org.mcpfront.edge.") || line.contains("org.mcpfront.supervisor."));
    }

    @Test
    @DisplayName("clustering borrows nothing from the authorization server")
    void clusterOwnsItsParts() throws IOException {
        assertThat(importsOf("cluster")).isNotEmpty().noneMatch(line -> line.contains("org.mcpfront.oauth."));
    }
}
