package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.MatrixClient;
import org.mcpfront.testing.MatrixClient.Kind;
import org.mcpfront.testing.ModernServer;

/**
 * The protocol matrix through mcp-front, every cell with the real SDKs: clients {SDK v1, SDK v2 legacy,
 * SDK v2 auto, SDK v2 pinned to 2026-07-28} × backends {server-everything (2025 only), our SDK v2 server
 * speaking both eras, the same modern-only} × routes {http, stdio}. Every cell connects, lists tools,
 * calls echo and answers an elicitation, and ends up in the newest era the client speaks: mcp-front
 * speaks both to every client and translates to whatever the backend speaks. Directly, a third of these
 * pairs cannot talk at all (see ModernFixtureIT).
 */
@DisplayName("Every client era works through mcp-front in front of every backend era, on http and stdio routes")
@Timeout(900)
class ProtocolMatrixIT {

    private static EverythingServer everything;
    private static ModernServer dual;
    private static ModernServer modernOnly;
    private static FrontHarness front;

    enum Backend {
        EVERYTHING,
        DUAL,
        MODERN_ONLY
    }

    enum Route {
        HTTP,
        STDIO
    }

    @BeforeAll
    static void start() {
        everything = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        dual = ModernServer.start(ModernServer.Era.DUAL);
        modernOnly = ModernServer.start(ModernServer.Era.MODERN);
        front = FrontHarness.start("""
                - { path: "/everything-http", type: http, backend: "%s" }
                - { path: "/dual-http", type: http, backend: "%s" }
                - { path: "/modern-http", type: http, backend: "%s" }
                - { path: "/everything-stdio", type: stdio, command: %s }
                - { path: "/dual-stdio", type: stdio, command: %s }
                - { path: "/modern-stdio", type: stdio, command: %s }
                """.formatted(
                        everything.url(),
                        dual.url(),
                        modernOnly.url(),
                        EverythingServer.stdioCommandYaml(),
                        ModernServer.stdioCommandYaml(ModernServer.Era.DUAL),
                        ModernServer.stdioCommandYaml(ModernServer.Era.MODERN)));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, everything, dual, modernOnly);
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Route route : Route.values()) {
            for (Backend backend : Backend.values()) {
                for (Kind kind : List.of(Kind.V1, Kind.V2_LEGACY, Kind.V2_AUTO, Kind.V2_PIN)) {
                    cells.add(Arguments.of(kind, backend, route));
                }
            }
        }
        return cells.stream();
    }

    private static String path(Backend backend, Route route) {
        String name = switch (backend) {
            case EVERYTHING -> "everything";
            case DUAL -> "dual";
            case MODERN_ONLY -> "modern";
        };
        return "/" + name + "-" + route.name().toLowerCase() + "/mcp";
    }

    @ParameterizedTest(name = "{0} client → {1} backend on a {2} route")
    @MethodSource("cells")
    @DisplayName("connects in the newest era the client speaks, lists tools, calls echo and answers an elicitation")
    void cell(Kind kind, Backend backend, Route route) {
        MatrixClient.Report report =
                MatrixClient.to(front.url(path(backend, route)), kind).bearer().runPassing();

        String era = kind.speaksModern() ? "modern" : "legacy";
        assertThat(report.era()).as(report.describe()).isEqualTo(era);
        assertThat(report.protocolVersion())
                .as(report.describe())
                .isEqualTo(kind.speaksModern() ? "2026-07-28" : "2025-11-25");
        assertThat(report.step("tools/call").getString("text"))
                .as(report.describe())
                .isEqualTo("Echo: matrix");
        assertThat(report.step("elicitation").getInteger("asked"))
                .as(report.describe())
                .isEqualTo(1);
    }
}
