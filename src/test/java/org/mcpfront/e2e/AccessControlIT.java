package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.MatrixClient;
import org.mcpfront.testing.MatrixClient.Kind;
import org.mcpfront.testing.ModernServer;
import org.mcpfront.testing.ModernWire;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RecordingProxy;
import org.mcpfront.testing.TestTokens;
import org.mcpfront.transport.JsonRpcErrors;

/**
 * Route access rules end to end, with the real SDK clients of both eras over both transports: three users in
 * different groups (two by the config's {@code groups:}, one by the {@code groups} claim of the token) each see
 * exactly their tools, on a route whose 2026-07-28 requests pass straight through the edge and on a stdio route
 * whose 2026-07-28 requests are bridged; a hidden tool called by name is refused and never reaches the backend
 * (a recording proxy sits in front of it); a route the user may not use answers 403; an edited rule applies
 * without a restart.
 */
@DisplayName("Access rules: who may use a route, and which tools each user sees and calls")
@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlIT {

    private static final String ALICE = "alice@example.com";
    private static final String CAROL = "carol@example.com";
    private static final String DAVE = "dave@example.com";
    /** Nobody but admins gets the test_* tools; contractors (a group from the identity provider) lose echo. */
    private static final String RULES = """
            - { deny: ["test_*"], except: ["group:admins"] }
            - { deny: ["echo"], users: ["group:contractors"] }""";

    private static final List<Kind> HTTP_KINDS = List.of(Kind.V1, Kind.V1_SSE, Kind.V2_PIN);
    private static final List<Kind> STDIO_KINDS = List.of(Kind.V1, Kind.V2_PIN);

    private static ModernServer dual;
    private static RecordingProxy recorder;
    private static FrontHarness front;
    private static Set<String> allTools;

    @BeforeAll
    static void start() {
        dual = ModernServer.start(ModernServer.Era.DUAL);
        recorder = RecordingProxy.to(dual.port());
        front = FrontHarness.startWith(config(RULES));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, recorder, dual);
    }

    private static String config(String toolRules) {
        String rules = toolRules.lines().map(line -> "      " + line).collect(Collectors.joining("\n"));
        return """
                groups:
                  admins: ["alice@example.com"]
                  finance: ["carol@example.com"]
                  contractors: []
                """
                + FrontHarness.yaml(
                        """
                - path: "/tools"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                  access:
                    tools:
                %s
                    prompts:
                      - { deny: ["test_prompt_with_*"], except: ["group:admins"] }
                    resources:
                      - { deny: ["test://static-binary", "test://template/*"], except: ["group:admins"] }
                - path: "/stdio"
                  type: stdio
                  command: %s
                  access:
                    tools:
                %s
                - path: "/finance"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                  access: { users: ["group:finance", "group:admins"] }
                """.formatted(
                                        recorder.port(),
                                        rules,
                                        ModernServer.stdioCommandYaml(ModernServer.Era.DUAL),
                                        rules,
                                        recorder.port()),
                        "");
    }

    private static String token(String email) {
        List<String> audience = List.of(TestTokens.ISSUER);
        return DAVE.equals(email)
                ? TestTokens.mintWithGroups(email, List.of("contractors"), TestTokens.ISSUER, audience)
                : TestTokens.mintForEmail(email, TestTokens.ISSUER, audience);
    }

    private static MatrixClient.Run client(String route, Kind kind, String email) {
        String endpoint = kind.transport() == MatrixClient.Transport.SSE ? "/sse" : "/mcp";
        return MatrixClient.to(front.url(route + endpoint), kind).header("Authorization", "Bearer " + token(email));
    }

    private static Set<String> toolsSeen(String route, Kind kind, String email) {
        MatrixClient.Report report = client(route, kind, email)
                .steps("connect", "tools/list")
                .tool("confirm_action", new JsonObject())
                .runPassing();
        JsonArray names = report.step("tools/list").getJsonArray("names");
        return new TreeSet<>(names.stream().map(String::valueOf).toList());
    }

    private static Set<String> expected(String email) {
        return allTools.stream()
                .filter(name -> ALICE.equals(email) || !name.startsWith("test_"))
                .filter(name -> !DAVE.equals(email) || !name.equals("echo"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    @Order(1)
    @DisplayName("each user sees exactly their tools, over every client era and transport, passed through or bridged")
    void eachSeesTheirTools() {
        allTools = toolsSeen("/tools", Kind.V1, ALICE);
        assertThat(allTools).contains("echo", "confirm_action", "test_simple_text");
        List<String> mismatches = new ArrayList<>();
        for (String email : List.of(ALICE, CAROL, DAVE)) {
            for (Kind kind : HTTP_KINDS) {
                Set<String> seen = toolsSeen("/tools", kind, email);
                if (!seen.equals(expected(email))) {
                    mismatches.add(email + " over " + kind + " on /tools saw " + seen);
                }
            }
            for (Kind kind : STDIO_KINDS) {
                Set<String> seen = toolsSeen("/stdio", kind, email);
                if (!seen.equals(expected(email))) {
                    mismatches.add(email + " over " + kind + " on /stdio saw " + seen);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(expected(CAROL)).doesNotContain("test_simple_text").contains("echo");
        assertThat(expected(DAVE)).doesNotContain("echo", "test_simple_text").contains("confirm_action");
    }

    @Test
    @Order(2)
    @DisplayName("a hidden tool called by name is refused with a JSON-RPC error and never reaches the backend")
    void hiddenToolsAreRefused() {
        try (LogCapture logs = new LogCapture()) {
            for (Kind kind : HTTP_KINDS) {
                assertRefused(
                        client("/tools", kind, DAVE)
                                .steps("connect", "tools/call")
                                .tool("echo", new JsonObject().put("message", "hi"))
                                .run(),
                        kind,
                        "echo");
                assertRefused(
                        client("/tools", kind, CAROL)
                                .steps("connect", "tools/call")
                                .tool("test_simple_text", new JsonObject())
                                .run(),
                        kind,
                        "test_simple_text");
            }
            for (Kind kind : STDIO_KINDS) {
                assertRefused(
                        client("/stdio", kind, DAVE)
                                .steps("connect", "tools/call")
                                .tool("echo", new JsonObject().put("message", "hi"))
                                .run(),
                        kind,
                        "echo");
            }
            assertThat(recorder.bodies()).noneMatch(body -> body.contains("\"tools/call\""));
            assertThat(logs.await(
                            event -> "access_denied"
                                            .equals(LogCapture.fields(event).get("event"))
                                    && "tool".equals(LogCapture.fields(event).get("subject"))
                                    && "access.tools[1] deny [echo]"
                                            .equals(LogCapture.fields(event).get("rule"))
                                    && DAVE.equals(LogCapture.fields(event).get("user")),
                            Duration.ofSeconds(5)))
                    .isPresent();
        }
        String metrics = RawHttp.send(RawHttp.request(front.url("/metrics"))).body();
        assertThat(metrics)
                .containsPattern("mcp_front_refusals_total\\{[^}]*reason=\"tool\"[^}]*route=\"/tools\"[^}]*} [1-9]");
        // The user may still call what they see.
        client("/tools", Kind.V1, DAVE)
                .steps("connect", "tools/call")
                .tool("confirm_action", new JsonObject().put("action", "x"))
                .run();
        assertThat(recorder.bodies())
                .anyMatch(body -> body.contains("\"tools/call\"") && body.contains("confirm_action"));
    }

    private static void assertRefused(MatrixClient.Report report, Kind kind, String tool) {
        JsonObject step = report.step("tools/call");
        assertThat(step).as("%s calling %s: %s", kind, tool, report.describe()).isNotNull();
        assertThat(step.getBoolean("ok"))
                .as("%s calling %s: %s", kind, tool, report.describe())
                .isFalse();
        assertThat(step.getString("error")).as("%s", kind).contains("not available");
    }

    @Test
    @Order(3)
    @DisplayName("a route the user may not use answers 403 with a JSON-RPC error, not a sign-in challenge")
    void forbiddenRoute() {
        String initialize = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 1)
                .put("method", "initialize")
                .put(
                        "params",
                        new JsonObject()
                                .put("protocolVersion", "2025-06-18")
                                .put("capabilities", new JsonObject())
                                .put(
                                        "clientInfo",
                                        new JsonObject().put("name", "t").put("version", "1")))
                .encode();
        HttpResponse<String> refused;
        try (LogCapture logs = new LogCapture()) {
            refused = RawHttp.send(RawHttp.mcpPost(front.url("/finance/mcp"), initialize, token(DAVE)));
            assertThat(logs.await(
                            event -> "access_denied"
                                            .equals(LogCapture.fields(event).get("event"))
                                    && "route".equals(LogCapture.fields(event).get("subject"))
                                    && "denied".equals(LogCapture.fields(event).get("decision"))
                                    && "access.users"
                                            .equals(LogCapture.fields(event).get("rule"))
                                    && DAVE.equals(LogCapture.fields(event).get("user")),
                            Duration.ofSeconds(5)))
                    .as("an audit line with the decision and the rule that made it")
                    .isPresent();
        }
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).isEmpty();
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32003);
        assertThat(error.getString("message")).contains(DAVE).contains("/finance");
        assertThat(client("/finance", Kind.V2_PIN, DAVE).steps("connect").run().ok())
                .isFalse();

        assertThat(RawHttp.send(RawHttp.mcpPost(front.url("/finance/mcp"), initialize, token(CAROL)))
                        .statusCode())
                .isEqualTo(200);
        assertThat(client("/finance", Kind.V1_SSE, ALICE)
                        .steps("connect", "tools/list")
                        .tool("confirm_action", new JsonObject())
                        .run()
                        .ok())
                .isTrue();
    }

    @Test
    @Order(4)
    @DisplayName("the consent page lists only the routes the user may use and issues no code for one they may not")
    void consentPage() {
        String redirect = "http://127.0.0.1:9/callback";
        try (FrontHarness issuing =
                FrontHarness.startAsIssuer(FrontHarness.DEV_SIGN_IN, """
                - { path: "/tools", type: http, backend: "http://127.0.0.1:%d/mcp" }
                - path: "/finance"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                  access: { users: ["carol@example.com", "@finance.example.com"] }
                """.formatted(recorder.port(), recorder.port()))) {
            OAuthBrowser browser = new OAuthBrowser(issuing.baseUrl());
            String client = browser.register(redirect);

            HttpResponse<String> everything = browser.signIn(browser.authorization(client, redirect), DAVE);
            assertThat(everything.statusCode()).isEqualTo(200);
            assertThat(everything.body()).contains("<code>/tools</code>").doesNotContain("/finance");

            HttpResponse<String> finance =
                    browser.signIn(browser.authorization(client, redirect, issuing.url("/finance/mcp")), DAVE);
            assertThat(finance.statusCode()).isEqualTo(403);
            assertThat(finance.body())
                    .contains("You may not use the MCP server /finance")
                    .doesNotContain("name=\"consent\"");

            HttpResponse<String> carols =
                    browser.signIn(browser.authorization(client, redirect, issuing.url("/finance/mcp")), CAROL);
            assertThat(carols.statusCode()).isEqualTo(200);
            assertThat(carols.body()).contains("<code>/finance</code>");
        }
    }

    @Test
    @Order(5)
    @DisplayName("a rule edited in the file applies to the next request, without a restart")
    void editedRulesApply() {
        assertThat(toolsSeen("/tools", Kind.V1, CAROL)).doesNotContain("test_simple_text");
        front.rewriteWith(config("""
                - { deny: ["test_*"], except: ["group:admins", "group:finance"] }
                - { deny: ["echo"], users: ["group:contractors"] }"""));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<String> seen = toolsSeen("/tools", Kind.V1, CAROL);
        while (!seen.contains("test_simple_text") && System.nanoTime() < deadline) {
            FreePorts.sleep(200);
            seen = toolsSeen("/tools", Kind.V1, CAROL);
        }
        assertThat(seen).isEqualTo(allTools);
        assertThat(toolsSeen("/tools", Kind.V2_PIN, CAROL)).isEqualTo(allTools);
        assertThat(toolsSeen("/tools", Kind.V2_PIN, DAVE)).isEqualTo(expected(DAVE));
    }

    @Test
    @Order(6)
    @DisplayName("prompts and resources: hidden ones are absent from every list and refused by name, over every client")
    void promptsAndResources() {
        String lists = "prompts/list,resources/list,resources/templates/list";
        List<String> problems = new ArrayList<>();
        for (Kind kind : HTTP_KINDS) {
            MatrixClient.Report admin = client("/tools", kind, ALICE)
                    .steps((lists + ",prompts/get,resources/read").split(","))
                    .prompt("test_prompt_with_image")
                    .resource("test://static-binary")
                    .runPassing();
            MatrixClient.Report carol = client("/tools", kind, CAROL)
                    .steps((lists + ",prompts/get,resources/read").split(","))
                    .prompt("test_prompt_with_image")
                    .resource("test://static-binary")
                    .run();
            Set<String> adminPrompts = names(admin, "prompts/list");
            assertThat(adminPrompts).contains("test_simple_prompt", "test_prompt_with_image");
            expect(
                    problems,
                    kind,
                    "prompts/list",
                    names(carol, "prompts/list"),
                    adminPrompts.stream()
                            .filter(n -> !n.startsWith("test_prompt_with_"))
                            .collect(Collectors.toSet()));
            Set<String> adminResources = names(admin, "resources/list");
            assertThat(adminResources).contains("test://static-text", "test://static-binary");
            expect(
                    problems,
                    kind,
                    "resources/list",
                    names(carol, "resources/list"),
                    adminResources.stream()
                            .filter(n -> !n.equals("test://static-binary"))
                            .collect(Collectors.toSet()));
            assertThat(names(admin, "resources/templates/list")).contains("test://template/{id}/data");
            expect(problems, kind, "resources/templates/list", names(carol, "resources/templates/list"), Set.of());
            for (String step : List.of("prompts/get", "resources/read")) {
                JsonObject refused = carol.step(step);
                if (refused == null
                        || refused.getBoolean("ok")
                        || !refused.getString("error").contains("not available")) {
                    problems.add(kind + " " + step + " by carol: " + refused);
                }
            }
        }
        assertThat(problems).isEmpty();
        // Alice's calls went through; Carol's never reached the backend.
        assertThat(recorder.bodies().stream()
                        .filter(b -> b.contains("\"prompts/get\""))
                        .count())
                .isEqualTo(HTTP_KINDS.size());
        assertThat(recorder.bodies().stream()
                        .filter(b -> b.contains("\"resources/read\""))
                        .count())
                .isEqualTo(HTTP_KINDS.size());
    }

    @Test
    @Order(7)
    @DisplayName("a 2026-07-28 call of a hidden tool is refused on its Mcp-Name header before the body is read; a "
            + "body that names a hidden tool under a visible tool's header goes nowhere either")
    void modernHeaders() {
        Predicate<String> echoCall = body -> body.contains("\"tools/call\"") && body.contains("\"echo\"");
        long before = recorder.bodies().stream().filter(echoCall).count();
        String call = ModernWire.body(
                7,
                "tools/call",
                new JsonObject().put("name", "echo").put("arguments", new JsonObject()),
                new JsonObject());

        HttpResponse<String> byHeader = RawHttp.send(
                ModernWire.post(front.url("/tools/mcp"), call).setHeader("Authorization", "Bearer " + token(DAVE)));
        assertThat(byHeader.statusCode()).as(byHeader.body()).isEqualTo(403);
        JsonObject refused = new JsonObject(byHeader.body());
        assertThat(refused.getValue("id"))
                .as("judged before the body, which holds the id")
                .isNull();
        assertThat(refused.getJsonObject("error").getInteger("code")).isEqualTo(JsonRpcErrors.FORBIDDEN);

        HttpResponse<String> disagreeing = RawHttp.send(RawHttp.mcpPost(front.url("/tools/mcp"), call, token(DAVE))
                .header("MCP-Protocol-Version", ModernWire.VERSION)
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "confirm_action"));
        assertThat(new JsonObject(disagreeing.body()).getJsonObject("error"))
                .as("%d %s", disagreeing.statusCode(), disagreeing.body())
                .isNotNull();
        assertThat(recorder.bodies().stream().filter(echoCall).count())
                .as("neither reached the backend")
                .isEqualTo(before);
    }

    private static Set<String> names(MatrixClient.Report report, String step) {
        JsonObject result = report.step(step);
        assertThat(result).as("%s: %s", step, report.describe()).isNotNull();
        assertThat(result.getBoolean("ok"))
                .as("%s: %s", step, report.describe())
                .isTrue();
        return new TreeSet<>(
                result.getJsonArray("names").stream().map(String::valueOf).toList());
    }

    private static void expect(List<String> problems, Kind kind, String step, Set<String> seen, Set<String> expected) {
        if (!seen.equals(new TreeSet<>(expected))) {
            problems.add("carol over " + kind + " " + step + " saw " + seen + ", expected " + new TreeSet<>(expected));
        }
    }
}
