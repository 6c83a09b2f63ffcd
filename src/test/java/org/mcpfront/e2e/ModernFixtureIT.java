package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.Conformance;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.MatrixClient;
import org.mcpfront.testing.MatrixClient.Kind;
import org.mcpfront.testing.ModernServer;

/**
 * The test parts for MCP 2026-07-28, checked on their own before any test puts mcp-front between
 * them: SDK v1 and v2 clients (legacy, auto, pin) against server-everything and our SDK v2 fixture
 * (dual era and modern-only), the conformance suite's 2026-07-28 requirement set against the fixture,
 * and the fixture's stdio mode. Each pair that shares an era connects, lists, echoes and elicits in
 * that era; each pair that shares none fails at connect, saying why.
 */
@DisplayName("The 2026-07-28 test parts, directly (no mcp-front)")
@Timeout(600)
class ModernFixtureIT {

    private static final String MODERN = "2026-07-28";
    private static final String LEGACY = "2025-11-25";

    private static EverythingServer everything;
    private static ModernServer dual;
    private static ModernServer modernOnly;

    enum Backend {
        EVERYTHING,
        DUAL,
        MODERN_ONLY
    }

    @BeforeAll
    static void start() {
        everything = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        dual = ModernServer.start(ModernServer.Era.DUAL);
        modernOnly = ModernServer.start(ModernServer.Era.MODERN);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(everything, dual, modernOnly);
    }

    private static String url(Backend backend) {
        return switch (backend) {
            case EVERYTHING -> everything.url();
            case DUAL -> dual.url();
            case MODERN_ONLY -> modernOnly.url();
        };
    }

    /** The era a client and a backend end up in, or null when they share none. */
    private static String expectedEra(Kind kind, Backend backend) {
        return switch (backend) {
            case EVERYTHING -> kind.negotiation() == MatrixClient.Negotiation.PIN ? null : "legacy";
            case DUAL -> kind.speaksModern() ? "modern" : "legacy";
            case MODERN_ONLY -> kind.speaksModern() ? "modern" : null;
        };
    }

    private static Stream<Arguments> pairs(boolean compatible) {
        List<Arguments> pairs = new ArrayList<>();
        for (Kind kind : List.of(Kind.V1, Kind.V2_LEGACY, Kind.V2_AUTO, Kind.V2_PIN)) {
            for (Backend backend : Backend.values()) {
                if ((expectedEra(kind, backend) != null) == compatible) {
                    pairs.add(Arguments.of(kind, backend));
                }
            }
        }
        return pairs.stream();
    }

    static Stream<Arguments> compatiblePairs() {
        return pairs(true);
    }

    static Stream<Arguments> incompatiblePairs() {
        return pairs(false);
    }

    @ParameterizedTest(name = "{0} client on {1}")
    @MethodSource("compatiblePairs")
    @DisplayName("a client connects in the era both ends speak, lists tools, calls echo and answers an elicitation")
    void compatible(Kind kind, Backend backend) {
        MatrixClient.Report report = MatrixClient.to(url(backend), kind).runPassing();

        String era = expectedEra(kind, backend);
        assertThat(report.era()).as(report.describe()).isEqualTo(era);
        assertThat(report.protocolVersion()).as(report.describe()).isEqualTo(era.equals("modern") ? MODERN : LEGACY);
        assertThat(report.step("tools/call").getString("text")).isEqualTo("Echo: matrix");
        assertThat(report.step("elicitation").getInteger("asked"))
                .as(report.describe())
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} client on {1}")
    @MethodSource("incompatiblePairs")
    @DisplayName("a client that shares no era with the server fails at connect and says why")
    void incompatible(Kind kind, Backend backend) {
        MatrixClient.Report report = MatrixClient.to(url(backend), kind).run();

        assertThat(report.ok()).as(report.describe()).isFalse();
        JsonObject connect = report.step("connect");
        assertThat(connect.getBoolean("ok")).as(report.describe()).isFalse();
        if (backend == Backend.MODERN_ONLY) {
            // The modern-only server answers initialize with -32022, naming the version it supports.
            assertThat(connect.getString("error"))
                    .as(report.describe())
                    .contains("-32022")
                    .contains(MODERN);
        } else {
            // A pinned client gets no 2026-07-28 from server/discover and has no fallback.
            assertThat(connect.getString("error")).as(report.describe()).contains("ERA_NEGOTIATION_FAILED");
        }
    }

    @ParameterizedTest(name = "{0} client on server-everything's legacy SSE endpoint")
    @EnumSource(names = {"V1", "V2"})
    @DisplayName("the legacy HTTP+SSE transport still works for both SDKs (2025 era)")
    void legacySse(MatrixClient.Sdk sdk) {
        try (EverythingServer sse = EverythingServer.start(EverythingServer.Mode.SSE)) {
            Kind kind = sdk == MatrixClient.Sdk.V1 ? Kind.V1_SSE : Kind.V2_SSE;
            MatrixClient.Report report = MatrixClient.to(sse.url(), kind).runPassing();
            assertThat(report.era()).isEqualTo("legacy");
        }
    }

    @Test
    @DisplayName("the conformance suite's 2026-07-28 requirement set passes against the dual fixture; only the tasks "
            + "extension fails")
    void conformance() {
        try (ModernServer fixture = ModernServer.start(ModernServer.Era.DUAL, "--check-host")) {
            Conformance.RequirementsRun run = Conformance.runRequirements(fixture.url(), MODERN);
            System.out.printf(
                    "conformance %s against the dual fixture: %d checks passed, %d failed%n",
                    MODERN, run.passedChecks(), run.failedChecks());

            assertThat(run.scored())
                    .as("the requirement set names its scenarios")
                    .hasSizeGreaterThanOrEqualTo(37);
            assertThat(run.outcomes().keySet()).containsAll(run.scored());
            assertThat(run.scoredFailures())
                    .as(Conformance.RequirementsRun.describe(run.scoredFailures()))
                    .isEmpty();
            // Tasks is an extension the SDK 2.4.0 server does not implement; it runs unscored.
            assertThat(run.unscoredFailures().keySet())
                    .as(Conformance.RequirementsRun.describe(run.unscoredFailures()))
                    .allMatch(name -> name.startsWith("tasks-"));
            assertThat(run.passedChecks()).isGreaterThanOrEqualTo(160);
        }
    }

    @Test
    @DisplayName("without --check-host the fixture fails only the DNS-rebinding check, which mcp-front must supply")
    void conformanceWithoutHostCheck() {
        Conformance.RequirementsRun run = Conformance.runRequirements(dual.url(), MODERN);

        assertThat(run.scoredFailures().keySet())
                .as(Conformance.RequirementsRun.describe(run.scoredFailures()))
                .containsExactly("dns-rebinding-protection");
        assertThat(run.scoredFailures().get("dns-rebinding-protection").failures())
                .singleElement()
                .asString()
                .startsWith("localhost-host-rebinding-rejected");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ModernServer.Era.class)
    @DisplayName(
            "over stdio the fixture answers initialize by its era and server/discover with the 2026-07-28 envelope")
    void stdio(ModernServer.Era era) throws Exception {
        Process process = new ProcessBuilder(ModernServer.stdioCommand(era))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            JsonObject initialize = exchange(
                    in,
                    out,
                    new JsonObject()
                            .put("jsonrpc", "2.0")
                            .put("id", 1)
                            .put("method", "initialize")
                            .put(
                                    "params",
                                    new JsonObject()
                                            .put("protocolVersion", LEGACY)
                                            .put("capabilities", new JsonObject())
                                            .put(
                                                    "clientInfo",
                                                    new JsonObject()
                                                            .put("name", "stdio-check")
                                                            .put("version", "1"))));
            if (era == ModernServer.Era.MODERN) {
                assertThat(initialize.getJsonObject("error").getInteger("code"))
                        .as(initialize.encode())
                        .isEqualTo(-32022);
                assertThat(initialize
                                .getJsonObject("error")
                                .getJsonObject("data")
                                .getJsonArray("supported"))
                        .contains(MODERN);
                // The refused opening leaves the connection open for a modern one.
                JsonObject discover = exchange(in, out, discoverRequest());
                assertThat(discover.getJsonObject("result").getJsonArray("supportedVersions"))
                        .as(discover.encode())
                        .contains(MODERN);
                assertThat(discover.getJsonObject("result").getString("resultType"))
                        .isEqualTo("complete");
            } else {
                // A dual connection that opens with initialize is pinned to the 2025 era (see stdioDualOpensModern).
                assertThat(initialize.getJsonObject("result").getString("protocolVersion"))
                        .as(initialize.encode())
                        .isEqualTo(LEGACY);
            }
        } finally {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("over stdio the dual fixture also opens in 2026-07-28 when the first message is server/discover")
    void stdioDualOpensModern() throws Exception {
        Process process = new ProcessBuilder(ModernServer.stdioCommand(ModernServer.Era.DUAL))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            JsonObject discover = exchange(in, out, discoverRequest());
            assertThat(discover.getJsonObject("result").getJsonArray("supportedVersions"))
                    .as(discover.encode())
                    .contains(MODERN);
            assertThat(discover.getJsonObject("result")
                            .getJsonObject("_meta")
                            .getJsonObject("io.modelcontextprotocol/serverInfo")
                            .getString("name"))
                    .isEqualTo("mcp-front-modern-fixture");
        } finally {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static JsonObject discoverRequest() {
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 2)
                .put("method", "server/discover")
                .put(
                        "params",
                        new JsonObject()
                                .put(
                                        "_meta",
                                        new JsonObject()
                                                .put("io.modelcontextprotocol/protocolVersion", MODERN)
                                                .put("io.modelcontextprotocol/clientCapabilities", new JsonObject())));
    }

    /** Writes one JSON-RPC line and reads the next line back, within 15 s. */
    private static JsonObject exchange(Writer in, BufferedReader out, JsonObject request) throws Exception {
        in.write(request.encode() + "\n");
        in.flush();
        String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get(15, TimeUnit.SECONDS);
        assertThat(line).as("an answer to " + request.encode()).isNotNull();
        return new JsonObject(line);
    }
}
