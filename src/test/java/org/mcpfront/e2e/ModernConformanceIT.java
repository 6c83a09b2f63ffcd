package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.Conformance;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.ModernServer;
import org.mcpfront.testing.RecordingProxy;
import org.mcpfront.testing.TestTokens;

/**
 * The conformance suite's requirement sets (0.2.0-alpha.12) against our SDK v2 fixture directly and
 * through mcp-front, in the same run: an HTTP route (the dual-era fixture: 2026-07-28 requests forwarded
 * at the edge, 2025 clients bridged onto it) and a stdio route (the modern-only fixture over stdin/stdout,
 * found out by its refusal of initialize, every client bridged onto it). Whatever passes directly passes through, and
 * the
 * DNS-rebinding check, which the fixture leaves to its front door, passes only through mcp-front.
 */
@DisplayName("The MCP conformance requirement sets through mcp-front")
@Timeout(900)
class ModernConformanceIT {

    private static ModernServer fixture;
    private static FrontHarness front;
    /** The suite sends no custom headers: this forwarder adds the bearer token every route needs. */
    private static RecordingProxy withToken;

    @BeforeAll
    static void start() {
        fixture = ModernServer.start(ModernServer.Era.DUAL);
        front = FrontHarness.start(
                """
                - { path: "/fixture", type: http, backend: "%s" }
                - { path: "/fixture-stdio", type: stdio, command: %s }
                """.formatted(fixture.url(), ModernServer.stdioCommandYaml(ModernServer.Era.MODERN)));
        withToken = RecordingProxy.to(front.port(), Map.of("Authorization", TestTokens.bearer()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(withToken, front, fixture);
    }

    private static Set<String> passing(Conformance.RequirementsRun run) {
        Set<String> passing = new TreeSet<>(run.outcomes().keySet());
        passing.removeIf(name -> !run.outcomes().get(name).passed());
        return passing;
    }

    @ParameterizedTest(name = "{0} through {1}")
    @CsvSource({
        "2026-07-28, /fixture/mcp",
        "2026-07-28, /fixture-stdio/mcp",
        "2025-11-25, /fixture/mcp",
        "2025-11-25, /fixture-stdio/mcp"
    })
    @DisplayName("every scenario that passes directly passes through mcp-front, plus DNS-rebinding protection")
    void throughFront(String revision, String path) {
        Conformance.RequirementsRun direct = Conformance.runRequirements(fixture.url(), revision);
        Conformance.RequirementsRun proxied =
                Conformance.runRequirements("http://127.0.0.1:" + withToken.port() + path, revision);
        System.out.printf(
                "conformance %s: directly %d checks passed, %d failed; through %s %d passed, %d failed%n",
                revision,
                direct.passedChecks(),
                direct.failedChecks(),
                path,
                proxied.passedChecks(),
                proxied.failedChecks());

        Set<String> lost = new TreeSet<>(passing(direct));
        lost.removeAll(passing(proxied));
        assertThat(lost)
                .as("scenarios that pass directly but not through mcp-front:\n"
                        + Conformance.RequirementsRun.describe(proxied.scoredFailures())
                        + Conformance.RequirementsRun.describe(proxied.unscoredFailures()))
                .isEmpty();
        assertThat(proxied.scoredFailures().keySet())
                .as(Conformance.RequirementsRun.describe(proxied.scoredFailures()))
                .isEmpty();
    }
}
