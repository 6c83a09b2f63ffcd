package org.mcpfront.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, server mode) run
 * with Node 22 against a URL; returns each scenario's outcome read from the suite's result files.
 */
public final class Conformance {

    /** How one scenario went: passed when none of its checks failed. */
    public record Outcome(boolean passed, List<String> failures) {
    }

    private Conformance() {
    }

    /** Runs every scenario (active and pending) against {@code url}. */
    public static Map<String, Outcome> run(String url) {
        try {
            Path output = Files.createTempDirectory("conformance");
            NodeScript.Result result = NodeScript.run(Duration.ofMinutes(5), NodeTools.node22().toString(),
                    "node_modules/@modelcontextprotocol/conformance/dist/index.js",
                    List.of("server", "--suite", "all", "--url", url, "--output-dir", output.toString()));
            Map<String, Outcome> outcomes = read(output);
            if (outcomes.isEmpty()) {
                throw new IllegalStateException("the conformance suite wrote no results (exit " + result.exitCode()
                        + "); stdout:\n" + result.stdout() + "\nstderr:\n" + result.stderr());
            }
            return outcomes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Result folders are named {@code server-<scenario>-<timestamp>} and hold a {@code checks.json}. */
    private static Map<String, Outcome> read(Path output) throws IOException {
        Map<String, Outcome> outcomes = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(output)) {
            for (Path dir : dirs.toList()) {
                Path checks = dir.resolve("checks.json");
                if (!Files.isRegularFile(checks)) {
                    continue;
                }
                String name = dir.getFileName().toString().replaceFirst("^server-", "")
                        .replaceFirst("-\\d{4}-\\d{2}-\\d{2}T.*$", "");
                List<String> failures = new JsonArray(Files.readString(checks)).stream()
                        .map(JsonObject.class::cast)
                        .filter(check -> "FAILURE".equals(check.getString("status")))
                        .map(check -> check.getString("id") + ": " + check.getString("errorMessage"))
                        .toList();
                outcomes.put(name, new Outcome(failures.isEmpty(), failures));
            }
        }
        return outcomes;
    }
}
