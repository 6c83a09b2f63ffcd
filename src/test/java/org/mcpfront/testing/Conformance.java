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
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, server mode) run
 * with Node 22 against a URL; returns each scenario's outcome read from the suite's result files.
 * {@link #run} is the 0.1.16 suite (2025 scenarios); {@link #runRequirements} the 0.2.0 pre-release
 * (npm alias {@code conformance-auth}) with a revision's frozen requirement set, 2026-07-28 included.
 */
public final class Conformance {

    /** How one scenario went: passed when none of its checks failed; {@code passedChecks} counts its successes. */
    public record Outcome(boolean passed, List<String> failures, int passedChecks) {}

    /**
     * A requirement set's run: every scenario it ran, and which of them the revision scores (the
     * others, such as the tasks extension, run for visibility and never decide conformance).
     */
    public record RequirementsRun(String revision, Map<String, Outcome> outcomes, Set<String> scored) {

        public int passedChecks() {
            return outcomes.values().stream().mapToInt(Outcome::passedChecks).sum();
        }

        public int failedChecks() {
            return outcomes.values().stream()
                    .mapToInt(outcome -> outcome.failures().size())
                    .sum();
        }

        /** Failed scenarios the revision requires, with their failed checks. */
        public Map<String, Outcome> scoredFailures() {
            return failures(true);
        }

        /** Failed scenarios that run without being scored (extensions, pending, added after release). */
        public Map<String, Outcome> unscoredFailures() {
            return failures(false);
        }

        private Map<String, Outcome> failures(boolean wantScored) {
            Map<String, Outcome> failed = new TreeMap<>();
            outcomes.forEach((name, outcome) -> {
                if (!outcome.passed() && scored.contains(name) == wantScored) {
                    failed.put(name, outcome);
                }
            });
            return failed;
        }

        /** One line per failed check, for assertion messages. */
        public static String describe(Map<String, Outcome> outcomes) {
            return outcomes.entrySet().stream()
                    .map(e -> e.getKey() + " → " + e.getValue().failures())
                    .collect(Collectors.joining("\n"));
        }
    }

    private Conformance() {}

    /** Runs every scenario (active and pending) against {@code url}. */
    public static Map<String, Outcome> run(String url) {
        try {
            Path output = Files.createTempDirectory("conformance");
            NodeScript.Result result = NodeScript.run(
                    Duration.ofMinutes(5),
                    NodeTools.node22().toString(),
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

    /**
     * Runs exactly the scenarios spec revision {@code revision} (e.g. {@code 2026-07-28}) requires,
     * at that revision's wire version, plus its unscored ones.
     */
    public static RequirementsRun runRequirements(String url, String revision) {
        Path suite = NodeTools.module("conformance-auth");
        try {
            Path output = Files.createTempDirectory("conformance-" + revision);
            NodeScript.Result result = NodeScript.run(
                    Duration.ofMinutes(5),
                    NodeTools.node22().toString(),
                    suite.resolve("dist/index.js").toString(),
                    List.of("server", "--url", url, "--requirements", revision, "--output-dir", output.toString()));
            Map<String, Outcome> outcomes = read(output);
            if (outcomes.isEmpty()) {
                throw new IllegalStateException("the conformance suite wrote no results (exit " + result.exitCode()
                        + "); stdout:\n" + result.stdout() + "\nstderr:\n" + result.stderr());
            }
            return new RequirementsRun(revision, outcomes, scoredServerScenarios(suite, revision));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code server:} list of the suite's {@code requirements/<revision>.yaml}. */
    private static Set<String> scoredServerScenarios(Path suite, String revision) throws IOException {
        Path file = suite.resolve("requirements/" + revision + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the conformance suite has no requirement set " + file);
        }
        Map<String, Object> requirements = new Yaml().load(Files.readString(file));
        @SuppressWarnings("unchecked")
        List<String> server = (List<String>) requirements.get("server");
        return Set.copyOf(server);
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
                String name = dir.getFileName()
                        .toString()
                        .replaceFirst("^server-", "")
                        .replaceFirst("-\\d{4}-\\d{2}-\\d{2}T.*$", "");
                List<JsonObject> all = new JsonArray(Files.readString(checks))
                        .stream().map(JsonObject.class::cast).toList();
                List<String> failures = all.stream()
                        .filter(check -> "FAILURE".equals(check.getString("status")))
                        .map(check -> check.getString("id") + ": " + check.getString("errorMessage"))
                        .toList();
                int passedChecks = (int) all.stream()
                        .filter(check -> "SUCCESS".equals(check.getString("status")))
                        .count();
                outcomes.put(name, new Outcome(failures.isEmpty(), failures, passedChecks));
            }
        }
        return outcomes;
    }
}
