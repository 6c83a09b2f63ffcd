package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.Conformance;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FixtureServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.RecordingProxy;
import org.mcpfront.testing.TestTokens;

/**
 * The official conformance suite against each backend directly and through an mcp-front route, in
 * the same run: whatever passes directly must pass through mcp-front, and DNS-rebinding protection
 * must pass through mcp-front even though the backends do not check. The suite reaches mcp-front with
 * a bearer token that a forwarder adds.
 */
@DisplayName("The MCP conformance suite")
@Timeout(600)
class ConformanceIT {

    private static FixtureServer fixture;
    private static EverythingServer everything;
    private static FrontHarness front;
    /** The suite sends no custom headers: this forwarder adds the bearer token every route needs. */
    private static RecordingProxy withToken;

    @BeforeAll
    static void start() {
        fixture = FixtureServer.start();
        everything = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.start("""
                - path: "/fixture"
                  type: http
                  backend: "%s"
                - path: "/everything"
                  type: http
                  backend: "%s"
                """.formatted(fixture.url(), everything.url()));
        withToken = RecordingProxy.to(front.port(), Map.of("Authorization", TestTokens.bearer()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(withToken, everything, fixture, front);
    }

    private static String throughFront(String path) {
        return "http://127.0.0.1:" + withToken.port() + path;
    }

    private static Set<String> baseline() throws IOException {
        return Files.readAllLines(NodeTools.script("conformance-baseline.txt")).stream()
                .map(line -> line.replaceFirst("#.*$", "").trim())
                .filter(line -> !line.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> failing(Map<String, Conformance.Outcome> outcomes) {
        return outcomes.entrySet().stream()
                .filter(e -> !e.getValue().passed())
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String describe(Map<String, Conformance.Outcome> outcomes) {
        return outcomes.entrySet().stream()
                .filter(e -> !e.getValue().passed())
                .map(e -> e.getKey() + " → " + e.getValue().failures())
                .collect(Collectors.joining("\n"));
    }

    @Test
    @DisplayName("the fixture fails only its baseline directly, and passes every scenario through mcp-front")
    void fixture() throws IOException {
        Map<String, Conformance.Outcome> direct = Conformance.run(fixture.url());
        Map<String, Conformance.Outcome> proxied = Conformance.run(throughFront("/fixture/mcp"));

        assertThat(direct.keySet()).as("the suite ran its scenarios").hasSizeGreaterThanOrEqualTo(30);
        assertThat(failing(direct))
                .as("direct failures, which the baseline file must name:\n" + describe(direct))
                .isEqualTo(baseline());
        assertThat(proxied.keySet()).isEqualTo(direct.keySet());
        assertThat(failing(proxied))
                .as("failures through mcp-front:\n" + describe(proxied))
                .isEmpty();
    }

    @Test
    @DisplayName(
            "server-everything passes through mcp-front whatever it passes directly, plus DNS-rebinding protection")
    void everything() {
        Map<String, Conformance.Outcome> direct = Conformance.run(everything.url());
        Map<String, Conformance.Outcome> proxied = Conformance.run(throughFront("/everything/mcp"));

        Set<String> passingDirectly = new TreeSet<>(direct.keySet());
        passingDirectly.removeAll(failing(direct));
        assertThat(passingDirectly)
                .as("server-everything passes some scenarios directly")
                .isNotEmpty();
        Set<String> lostThroughFront = new TreeSet<>(passingDirectly);
        lostThroughFront.retainAll(failing(proxied));
        assertThat(lostThroughFront)
                .as("scenarios that pass directly but fail through mcp-front:\n" + describe(proxied))
                .isEmpty();
        assertThat(proxied.get("dns-rebinding-protection").passed()).isTrue();
    }
}
