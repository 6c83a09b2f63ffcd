package org.mcpfront.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mcpfront.McpFront;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.oauth.clients.ClientMetadataDocuments;

/**
 * mcp-front running in the test's JVM on a real config file (in a temp dir, so tests can edit it to
 * exercise hot reload) and a free port.
 */
public final class FrontHarness implements AutoCloseable {

    private final Path configFile;
    private final McpFront front;

    private FrontHarness(Path configFile, McpFront front) {
        this.configFile = configFile;
        this.front = front;
    }

    /** Starts with {@code routesYaml} (the items of {@code routes:}) and optional extra server keys. */
    public static FrontHarness start(String routesYaml, String serverExtraYaml) {
        return startWith(yaml(routesYaml, serverExtraYaml));
    }

    /** Starts on a complete config text. */
    public static FrontHarness startWith(String configYaml) {
        try {
            Path dir = Files.createTempDirectory("mcp-front-test");
            Path file = dir.resolve("mcp-front.yaml");
            Files.writeString(file, configYaml);
            FrontConfig config = ConfigParser.parse(ConfigFiles.read(file), Map.of());
            McpFront front = McpFront.start(
                            config,
                            new McpFront.Options(
                                    file,
                                    Map.of(),
                                    2,
                                    Duration.ofMillis(100),
                                    new ClientMetadataDocuments.Policy(true)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return new FrontHarness(file, front);
        } catch (Exception e) {
            throw new IllegalStateException("mcp-front did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Tests sign in and register over and over from 127.0.0.1: limits far above what they do. A test
     * of the limits writes its own config.
     */
    private static final String GENEROUS_LIMITS =
            "limits: { registrations_per_address: \"100000/1h\", " + "authorizations_per_address: \"100000/1m\" }";

    /** The {@code oauth:} lines (besides the issuer) of a dev sign-in for example.com users. */
    public static final String DEV_SIGN_IN = """
            allowed_domains: ["example.com"]
            identity: dev
            """;

    /**
     * Starts with the issuer set to the URL it listens on ({@code http://127.0.0.1:<free port>}, see
     * {@link #baseUrl()}), as OAuth clients need: they check that the resource the metadata names is
     * the URL they connect to. {@code oauthYaml} holds the other keys of {@code oauth:}.
     */
    public static FrontHarness startAsIssuer(String oauthYaml, String routesYaml) {
        return startAsIssuer(oauthYaml, routesYaml, "");
    }

    /** The same, with top-level sections of the test's own ({@code groups:}, say) in {@code topYaml}. */
    public static FrontHarness startAsIssuer(String oauthYaml, String routesYaml, String topYaml) {
        int port = FreePorts.next();
        return startWith(
                """
                oauth:
                  issuer: "http://127.0.0.1:%d"
                  %s
                %s
                server:
                  host: "127.0.0.1"
                  port: %d
                routes:
                %s
                """.formatted(port, GENEROUS_LIMITS, indent(oauthYaml), port, indent(routesYaml)) + topYaml.strip());
    }

    public static FrontHarness start(String routesYaml) {
        return start(routesYaml, "");
    }

    /**
     * A complete config: dev identity on loopback, memory storage, the tests' signing key, any free port.
     * The user of the tests' token ({@link TestTokens}) is an admin, so tests may read {@code /ready}'s details.
     */
    public static String yaml(String routesYaml, String serverExtraYaml) {
        return yaml(routesYaml, serverExtraYaml, "");
    }

    /** The same, with extra keys in {@code oauth:} (storage, redis_url, ...). */
    public static String yaml(String routesYaml, String serverExtraYaml, String oauthExtraYaml) {
        return """
                oauth:
                  issuer: "http://localhost:8080"
                  allowed_domains: ["example.com"]
                  identity: dev
                  signing_key_file: "%s"
                  admins: ["tester@example.com"]
                  %s
                %s
                server:
                  host: "127.0.0.1"
                  port: 0
                %s
                routes:
                %s
                """.formatted(
                        TestTokens.keyFile(),
                        GENEROUS_LIMITS,
                        indent(oauthExtraYaml),
                        indent(serverExtraYaml),
                        routesYaml.isBlank() ? "  []" : indent(routesYaml));
    }

    private static String indent(String yaml) {
        return yaml.isBlank()
                ? ""
                : yaml.strip()
                        .lines()
                        .map(line -> "  " + line)
                        .reduce((a, b) -> a + "\n" + b)
                        .orElse("");
    }

    /** Replaces the config file the way editors do (write a new file, rename over the old one). */
    public void rewrite(String routesYaml, String serverExtraYaml) {
        rewriteWith(yaml(routesYaml, serverExtraYaml));
    }

    /** The same with a complete config text. */
    public void rewriteWith(String configYaml) {
        try {
            Path next = configFile.resolveSibling("mcp-front.yaml.next");
            Files.writeString(next, configYaml);
            Files.move(next, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes raw text to the config file (for invalid edits). */
    public void writeRaw(String text) {
        try {
            Files.writeString(configFile, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + front.port();
    }

    public String url(String path) {
        return baseUrl() + path;
    }

    public int port() {
        return front.port();
    }

    public McpFront front() {
        return front;
    }

    @Override
    public void close() {
        try {
            front.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("mcp-front did not stop cleanly", e);
        }
    }
}
