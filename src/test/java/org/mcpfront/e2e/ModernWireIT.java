package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mcpfront.testing.BothBackends;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.ModernWire;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;

/**
 * MCP 2026-07-28 on the wire, written by hand against server-everything (a 2025 server) behind HTTP
 * (Streamable and legacy SSE) and stdio routes: the opening Claude's connectors send, the header rules
 * the revision makes a MUST, and an elicitation carried as an input-required round trip.
 */
@DisplayName("2026-07-28 requests on the wire, in front of 2025 backends")
@Timeout(180)
class ModernWireIT {

    private static final JsonObject NO_CAPABILITIES = new JsonObject();
    private static BothBackends backends;

    @BeforeAll
    static void start() {
        backends = BothBackends.start("""
                - path: "/stdio"
                  type: stdio
                  command: %s
                """.formatted(EverythingServer.stdioCommandYaml()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(backends);
    }

    private static String url(String route) {
        return backends.front.url(route + "/mcp");
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/streamable", "/legacy", "/stdio"})
    @DisplayName(
            "Claude's opening server/discover is answered with the backend's capabilities, then tools are listed and "
                    + "called")
    void claudeOpening(String route) {
        // The request as claude.ai's connector sends it: a probe id, the header and _meta both 2026-07-28.
        String discover = """
                {"jsonrpc":"2.0","id":"server-discover-probe-1","method":"server/discover","params":{"_meta":{\
                "io.modelcontextprotocol/protocolVersion":"2026-07-28",\
                "io.modelcontextprotocol/clientInfo":{"name":"claude-ai","version":"0.1.0"},\
                "io.modelcontextprotocol/clientCapabilities":{}}}}""";
        HttpResponse<String> found = RawHttp.send(RawHttp.mcpPost(url(route), discover)
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "server/discover"));
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        assertThat(found.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonObject result = RawHttp.lastMessage(found).getJsonObject("result");
        assertThat(RawHttp.lastMessage(found).getValue("id")).isEqualTo("server-discover-probe-1");
        assertThat(result.getString("resultType")).isEqualTo("complete");
        assertThat(result.getJsonArray("supportedVersions").getList()).contains("2026-07-28", "2025-11-25");
        assertThat(result.getJsonObject("capabilities").containsKey("tools")).isTrue();
        assertThat(result.getJsonObject("_meta")
                        .getJsonObject("io.modelcontextprotocol/serverInfo")
                        .getString("name"))
                .isNotBlank();

        HttpResponse<String> listed =
                RawHttp.send(ModernWire.post(url(route), ModernWire.body(2, "tools/list", null, NO_CAPABILITIES)));
        JsonObject tools = RawHttp.lastMessage(listed).getJsonObject("result");
        assertThat(tools.getString("resultType")).isEqualTo("complete");
        assertThat(tools.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")))
                .contains("echo");
        assertThat(tools.containsKey("ttlMs"))
                .as("list results carry cache hints in 2026-07-28")
                .isTrue();

        HttpResponse<String> called = RawHttp.send(ModernWire.post(
                url(route),
                ModernWire.body(
                        3,
                        "tools/call",
                        new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("message", "hi")),
                        NO_CAPABILITIES)));
        JsonObject answer = RawHttp.lastMessage(called);
        assertThat(answer.getValue("id")).isEqualTo(3);
        assertThat(answer.getJsonObject("result")
                        .getJsonArray("content")
                        .getJsonObject(0)
                        .getString("text"))
                .isEqualTo("Echo: hi");
    }

    @Test
    @DisplayName("a 2026-07-28 opening without a token gets the same 401 and metadata URL as an initialize")
    void unauthorizedOpening() {
        String discover = ModernWire.body("server-discover-probe-1", "server/discover", null, NO_CAPABILITIES);
        HttpResponse<String> refused = RawHttp.send(RawHttp.mcpPost(url("/streamable"), discover, null)
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "server/discover"));
        HttpResponse<String> legacy = RawHttp.send(RawHttp.mcpPost(url("/streamable"), RawHttp.INITIALIZE, null));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .isEqualTo(legacy.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(
                        challenge -> assertThat(challenge)
                                .contains(
                                        "resource_metadata=\"http://localhost:8080/.well-known/oauth-protected-resource/streamable/mcp\""));
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/streamable", "/stdio"})
    @DisplayName("a new user's very first request is a tool call: it is answered, whatever the backend asks of its new "
            + "session")
    void firstRequestIsACall(String route) {
        String token =
                TestTokens.mintFor("first-call-" + route.substring(1), TestTokens.ISSUER, List.of(TestTokens.ISSUER));
        HttpResponse<String> called = RawHttp.send(ModernWire.post(
                        url(route),
                        ModernWire.body(
                                1,
                                "tools/call",
                                new JsonObject()
                                        .put("name", "echo")
                                        .put("arguments", new JsonObject().put("message", "first")),
                                NO_CAPABILITIES))
                .setHeader("Authorization", "Bearer " + token));
        assertThat(called.statusCode()).as(called.body()).isEqualTo(200);
        assertThat(RawHttp.lastMessage(called)
                        .getJsonObject("result")
                        .getJsonArray("content")
                        .getJsonObject(0)
                        .getString("text"))
                .isEqualTo("Echo: first");
    }

    @Test
    @DisplayName("two requests of one user with the same id, at the same time, each get their own answer")
    void sameIdsInParallel() throws Exception {
        var first = CompletableFuture.supplyAsync(() -> RawHttp.send(ModernWire.post(
                url("/stdio"),
                ModernWire.body(
                        1,
                        "tools/call",
                        new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("message", "one")),
                        NO_CAPABILITIES))));
        var second = CompletableFuture.supplyAsync(() -> RawHttp.send(ModernWire.post(
                url("/stdio"),
                ModernWire.body(
                        1,
                        "tools/call",
                        new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("message", "two")),
                        NO_CAPABILITIES))));
        assertThat(text(first.get())).isEqualTo("Echo: one");
        assertThat(text(second.get())).isEqualTo("Echo: two");
    }

    private static String text(HttpResponse<String> response) {
        JsonObject answer = RawHttp.lastMessage(response);
        assertThat(answer.getValue("id")).as(response.body()).isEqualTo(1);
        return answer.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text");
    }

    @Test
    @DisplayName("a 2025 MCP-Protocol-Version header on a 2026-07-28 body is tolerated (anthropics/claude-code#93290)")
    void claudeCodeHeaderQuirk() {
        HttpResponse<String> response = RawHttp.send(
                RawHttp.mcpPost(url("/streamable"), ModernWire.body(5, "tools/list", null, NO_CAPABILITIES))
                        .header("MCP-Protocol-Version", "2025-11-25")
                        .header("Mcp-Method", "tools/list"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(RawHttp.lastMessage(response).getJsonObject("result").containsKey("tools"))
                .isTrue();
    }

    @Test
    @DisplayName("missing or mismatched mirrored headers are refused with -32020, not passed on")
    void headerRules() {
        String call = ModernWire.body(
                7,
                "tools/call",
                new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("message", "x")),
                NO_CAPABILITIES);
        assertRefused(
                RawHttp.mcpPost(url("/streamable"), call)
                        .header("MCP-Protocol-Version", "2026-07-28")
                        .header("Mcp-Name", "echo"),
                400,
                -32020,
                "Mcp-Method");
        assertRefused(
                ModernWire.post(url("/streamable"), call).setHeader("Mcp-Method", "tools/list"),
                400,
                -32020,
                "does not match");
        assertRefused(
                RawHttp.mcpPost(url("/streamable"), call)
                        .header("MCP-Protocol-Version", "2026-07-28")
                        .header("Mcp-Method", "tools/call"),
                400,
                -32020,
                "Mcp-Name");
        assertRefused(
                ModernWire.post(url("/streamable"), call).setHeader("Mcp-Name", "get-env"),
                400,
                -32020,
                "does not match");
        assertRefused(
                ModernWire.post(url("/streamable"), call).setHeader("MCP-Protocol-Version", "2027-01-01"),
                400,
                -32020,
                "MCP-Protocol-Version");
        // The sentinel form is decoded before the comparison.
        HttpResponse<String> encoded =
                RawHttp.send(ModernWire.post(url("/streamable"), call).setHeader("Mcp-Name", "=?base64?ZWNobw==?="));
        assertThat(encoded.statusCode()).as(encoded.body()).isEqualTo(200);
    }

    @Test
    @DisplayName("an unsupported version gets -32022 listing the supported ones; a missing envelope -32602")
    void versionAndEnvelope() {
        String future = new JsonObject(ModernWire.body(8, "tools/list", null, NO_CAPABILITIES))
                .copy()
                .put(
                        "params",
                        new JsonObject()
                                .put(
                                        "_meta",
                                        ModernWire.meta(NO_CAPABILITIES)
                                                .put("io.modelcontextprotocol/protocolVersion", "2099-01-01")))
                .encode();
        HttpResponse<String> refused = RawHttp.send(RawHttp.mcpPost(url("/stdio"), future)
                .header("MCP-Protocol-Version", "2099-01-01")
                .header("Mcp-Method", "tools/list"));
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32022);
        assertThat(error.getJsonObject("data").getJsonArray("supported").getList())
                .contains("2026-07-28");
        assertThat(error.getJsonObject("data").getString("requested")).isEqualTo("2099-01-01");

        String noCapabilities = """
                {"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"_meta":{\
                "io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""";
        assertRefused(ModernWire.post(url("/stdio"), noCapabilities), 400, -32602, "clientCapabilities");
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"/streamable", "/stdio"})
    @DisplayName("a 2025 backend's elicitation during a tool call becomes an input-required round trip")
    void elicitationRoundTrip(String route) {
        JsonObject capabilities = new JsonObject().put("elicitation", new JsonObject());
        JsonObject params =
                new JsonObject().put("name", "trigger-elicitation-request").put("arguments", new JsonObject());
        HttpResponse<String> first =
                RawHttp.send(ModernWire.post(url(route), ModernWire.body(11, "tools/call", params, capabilities)));
        JsonObject asked = RawHttp.lastMessage(first);
        assertThat(asked.getValue("id")).as(first.body()).isEqualTo(11);
        JsonObject result = asked.getJsonObject("result");
        assertThat(result.getString("resultType")).as(first.body()).isEqualTo("input_required");
        JsonObject requests = result.getJsonObject("inputRequests");
        assertThat(requests.size()).isEqualTo(1);
        String key = requests.fieldNames().iterator().next();
        assertThat(requests.getJsonObject(key).getString("method")).isEqualTo("elicitation/create");
        String state = result.getString("requestState");

        // Tampering with the state, or presenting it on another call, is refused.
        JsonObject tampered =
                params.copy().put("inputResponses", new JsonObject()).put("requestState", state + "x");
        assertRefused(
                ModernWire.post(url(route), ModernWire.body(12, "tools/call", tampered, capabilities)),
                400,
                -32602,
                "requestState");
        JsonObject otherCall = params.copy()
                .put("arguments", new JsonObject().put("other", 1))
                .put("inputResponses", new JsonObject())
                .put("requestState", state);
        assertRefused(
                ModernWire.post(url(route), ModernWire.body(13, "tools/call", otherCall, capabilities)),
                400,
                -32602,
                "another request");

        JsonObject answers = new JsonObject()
                .put(
                        key,
                        new JsonObject()
                                .put("action", "accept")
                                .put(
                                        "content",
                                        new JsonObject()
                                                .put("name", "Ada Lovelace")
                                                .put("check", true)));
        JsonObject retry = params.copy().put("inputResponses", answers).put("requestState", state);
        HttpResponse<String> second =
                RawHttp.send(ModernWire.post(url(route), ModernWire.body(14, "tools/call", retry, capabilities)));
        JsonObject done = RawHttp.lastMessage(second);
        assertThat(done.getValue("id")).as(second.body()).isEqualTo(14);
        assertThat(done.getJsonObject("result").getString("resultType")).isEqualTo("complete");
        assertThat(done.getJsonObject("result").encode()).contains("Ada Lovelace");
    }

    @Test
    @DisplayName("a client that did not declare elicitation gets no input request: the backend is told no at once")
    void elicitationWithoutCapability() {
        // The bridged session was opened with elicitation (the tool exists); this request does not declare it.
        JsonObject params =
                new JsonObject().put("name", "trigger-elicitation-request").put("arguments", new JsonObject());
        RawHttp.send(ModernWire.post(
                url("/legacy"),
                ModernWire.body(20, "tools/list", null, new JsonObject().put("elicitation", new JsonObject()))));
        HttpResponse<String> response = RawHttp.send(
                ModernWire.post(url("/legacy"), ModernWire.body(21, "tools/call", params, NO_CAPABILITIES)));
        JsonObject answer = RawHttp.lastMessage(response);
        assertThat(answer.getValue("id")).as(response.body()).isEqualTo(21);
        assertThat(answer.encode()).doesNotContain("input_required");
    }

    private static void assertRefused(HttpRequest.Builder request, int status, int code, String mentions) {
        HttpResponse<String> response = RawHttp.send(request);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        assertThat(error.getInteger("code")).as(response.body()).isEqualTo(code);
        assertThat(error.getString("message")).contains(mentions);
    }
}
