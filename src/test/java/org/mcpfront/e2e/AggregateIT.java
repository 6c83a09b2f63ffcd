package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.MatrixClient;
import org.mcpfront.testing.MatrixClient.Kind;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.RawHttp;

/**
 * An aggregate route over server-everything on an HTTP route, our stdio test server on a stdio route and an HTTP
 * route whose backend is down, driven by the TypeScript SDK clients of both eras: one endpoint lists every
 * member's tools under prefixed names Claude accepts, sends each call to its member, passes a member's elicitation
 * and tools/list_changed through, and names the member that is down in its lists, its calls' errors and /ready.
 */
@DisplayName("An aggregate route serves its members' tools through one endpoint")
@Timeout(600)
class AggregateIT {

    private static final Pattern CLAUDE_TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    private static EverythingServer everything;
    private static FrontHarness front;
    private static int gonePort;

    /** The clients of both eras: SDK v1 and v2 speaking 2025, and v2 pinned to 2026-07-28. */
    enum Client {
        V1(Kind.V1),
        V1_SSE(Kind.V1_SSE),
        V2_LEGACY(Kind.V2_LEGACY),
        V2_MODERN(Kind.V2_PIN);

        final Kind kind;

        Client(Kind kind) {
            this.kind = kind;
        }
    }

    @BeforeAll
    static void start() {
        everything = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        gonePort = FreePorts.next();
        front = FrontHarness.start(routes("[\"crash\"]"));
    }

    /**
     * The members, /tools denying the tools {@code denied} (a YAML list) to everyone, /private admitting only
     * someone else, and the aggregate over all of them.
     */
    private static String routes(String denied) {
        return """
                - { path: "/everything", type: http, backend: "%s" }
                - { path: "/tools", type: stdio, command: ["node", "%s"], access: { tools: [{ deny: %s }] } }
                - { path: "/gone", type: http, backend: "http://127.0.0.1:%d/mcp" }
                - path: "/private"
                  type: stdio
                  command: ["node", "%s"]
                  access: { users: ["someone-else@example.com"] }
                - { path: "/all", type: aggregate }
                """.formatted(
                        everything.url(),
                        NodeTools.script("stdio-test-server.mjs"),
                        denied,
                        gonePort,
                        NodeTools.script("stdio-test-server.mjs"));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, everything);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Client.class)
    @DisplayName("lists prefixed names, calls each member, answers an HTTP member's elicitation")
    void throughOneEndpoint(Client client) {
        MatrixClient.Report report = MatrixClient.to(front.url("/all/mcp"), client.kind)
                .bearer()
                .steps("connect", "tools/list", "tools/call", "elicitation")
                .tool("everything_echo", new JsonObject().put("message", "matrix"))
                .elicitTool("everything_trigger-elicitation-request", new JsonObject())
                .runPassing();
        assertThat(report.era()).as(report.describe()).isEqualTo(client.kind.speaksModern() ? "modern" : "legacy");
        List<String> names = report.step("tools/list").getJsonArray("names").stream()
                .map(String.class::cast)
                .toList();
        assertThat(names)
                .as(report.describe())
                .contains("everything_echo", "tools_echo", "tools_change_tools")
                .allMatch(name -> CLAUDE_TOOL_NAME.matcher(name).matches())
                .noneMatch(name -> name.startsWith("gone_") || name.startsWith("private_"))
                .doesNotContain("tools_crash")
                .doesNotHaveDuplicates();
        assertThat(report.step("tools/call").getString("text"))
                .as(report.describe())
                .isEqualTo("Echo: matrix");
        assertThat(report.step("elicitation").getInteger("asked"))
                .as(report.describe())
                .isEqualTo(1);

        MatrixClient.Report stdio = MatrixClient.to(front.url("/all/mcp"), client.kind)
                .bearer()
                .steps("connect", "tools/call", "list_changed")
                .tool("tools_echo", new JsonObject().put("message", "to the stdio member"))
                .changesTool("tools_change_tools")
                .run();
        assertThat(stdio.step("tools/call").getString("text"))
                .as(stdio.describe())
                .isEqualTo("Echo: to the stdio member");
        assertThat(stdio.step("list_changed").getBoolean("ok"))
                .as("a member's tools/list_changed reaches the client: " + stdio.describe())
                .isTrue();
    }

    @Test
    @DisplayName(
            "a member that is down is named in the lists, its calls get an error, /ready calls the aggregate degraded")
    void memberDown() {
        HttpResponse<String> init = RawHttp.send(RawHttp.mcpPost(front.url("/all/mcp"), RawHttp.INITIALIZE));
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        assertThat(RawHttp.lastMessage(init)
                        .getJsonObject("result")
                        .getJsonObject("capabilities")
                        .getMap())
                .as(init.body())
                .containsKeys("tools", "prompts", "resources");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        send(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

        JsonObject list = RawHttp.lastMessage(send(session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"))
                .getJsonObject("result");
        JsonArray unavailable = list.getJsonObject("_meta").getJsonArray("mcp-front/unavailable");
        assertThat(unavailable).hasSize(1);
        assertThat(unavailable.getJsonObject(0).getString("member")).isEqualTo("/gone");
        assertThat(unavailable.getJsonObject(0).getString("error")).isNotBlank();
        assertThat(list.getJsonArray("tools").stream()
                        .map(t -> ((JsonObject) t).getString("name"))
                        .toList())
                .contains("everything_echo", "tools_echo");

        JsonObject call = RawHttp.lastMessage(send(
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"gone_anything\","
                        + "\"arguments\":{}}}"));
        assertThat(call.getJsonObject("error").getString("message"))
                .as(call.encode())
                .contains("/gone")
                .contains("unavailable");
        JsonObject echo = RawHttp.lastMessage(send(
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"tools_echo\","
                        + "\"arguments\":{\"message\":\"still here\"}}}"));
        assertThat(echo.encode()).contains("Echo: still here");

        JsonObject aggregate = awaitAggregate("degraded");
        assertThat(aggregate.getJsonObject("members").getJsonObject("/gone").getString("state"))
                .as(aggregate.encode())
                .isEqualTo("down");
        assertThat(aggregate.getJsonObject("members").getJsonObject("/tools").getString("state"))
                .as(aggregate.encode())
                .isEqualTo("up");
    }

    @Test
    @DisplayName("each member's access rules apply: a member the user may not use is left out, a denied tool refused,"
            + " and an edited rule applies to the next list of a live session")
    void memberAccess() {
        String session = session();
        JsonObject crash = RawHttp.lastMessage(send(session, call(2, "tools_crash")));
        assertThat(crash.getJsonObject("error").getInteger("code"))
                .as(crash.encode())
                .isEqualTo(-32003);
        JsonObject hidden = RawHttp.lastMessage(send(session, call(3, "private_echo")));
        assertThat(hidden.getJsonObject("error").getString("message"))
                .as(hidden.encode())
                .startsWith("Unknown tool");
        assertThat(toolNames(session)).contains("tools_echo").doesNotContain("tools_crash", "private_echo");

        front.rewrite(routes("[\"crash\", \"echo\"]"), "");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (toolNames(session).contains("tools_echo") && System.nanoTime() < deadline) {
                sleep();
            }
            assertThat(toolNames(session))
                    .as("after the edit")
                    .doesNotContain("tools_echo")
                    .contains("tools_whoami");
        } finally {
            front.rewrite(routes("[\"crash\"]"), "");
        }
    }

    @Test
    @DisplayName("prompts and resources are merged too: prompts prefixed, resources under their own URIs, both usable")
    void promptsAndResources() {
        String session = session();
        JsonObject prompts = RawHttp.lastMessage(
                        send(session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/list\"}"))
                .getJsonObject("result");
        List<String> promptNames = prompts.getJsonArray("prompts").stream()
                .map(p -> ((JsonObject) p).getString("name"))
                .toList();
        assertThat(promptNames).isNotEmpty().allMatch(name -> name.startsWith("everything_"));
        JsonObject prompt = RawHttp.lastMessage(send(
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"prompts/get\",\"params\":{\"name\":\"" + promptNames.get(0)
                        + "\",\"arguments\":{}}}"));
        assertThat(prompt.getJsonObject("result").getJsonArray("messages"))
                .as(prompt.encode())
                .isNotEmpty();

        JsonObject resources = RawHttp.lastMessage(
                        send(session, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/list\"}"))
                .getJsonObject("result");
        String uri = resources.getJsonArray("resources").getJsonObject(0).getString("uri");
        JsonObject read = RawHttp.lastMessage(send(
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/read\",\"params\":{\"uri\":\"" + uri + "\"}}"));
        assertThat(read.getJsonObject("result")
                        .getJsonArray("contents")
                        .getJsonObject(0)
                        .getString("uri"))
                .as(read.encode())
                .isEqualTo(uri);
    }

    /** A new 2025 session on the aggregate, initialized. */
    private static String session() {
        HttpResponse<String> init = RawHttp.send(RawHttp.mcpPost(front.url("/all/mcp"), RawHttp.INITIALIZE));
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        send(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    private static List<String> toolNames(String session) {
        return RawHttp.lastMessage(send(session, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}"))
                .getJsonObject("result")
                .getJsonArray("tools")
                .stream()
                .map(t -> ((JsonObject) t).getString("name"))
                .toList();
    }

    private static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    private static HttpResponse<String> send(String session, String body) {
        return RawHttp.send(RawHttp.mcpPost(front.url("/all/mcp"), body).header("Mcp-Session-Id", session));
    }

    /** The aggregate's entry in /ready's backend details once it is in {@code state}. */
    private static JsonObject awaitAggregate(String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonObject aggregate;
        do {
            JsonObject ready = new JsonObject(
                    RawHttp.send(RawHttp.request(front.url("/ready"))).body());
            aggregate = ready.getJsonArray("checks").stream()
                    .map(JsonObject.class::cast)
                    .filter(check -> "backends".equals(check.getString("id")))
                    .findFirst()
                    .map(check -> check.getJsonObject("data", new JsonObject()).getJsonObject("/all", new JsonObject()))
                    .orElseThrow();
            if (state.equals(aggregate.getString("state"))) {
                return aggregate;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the aggregate never became " + state + ": " + aggregate.encode());
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
