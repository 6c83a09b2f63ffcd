package org.mcpfront.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcMessage;

@DisplayName("A 2026-07-28 request is checked against its mirrored headers")
class ModernRequestsTest {

    private static JsonRpcMessage call(String name, String version) throws Exception {
        return JsonRpcMessage.parse(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 1)
                .put("method", "tools/call")
                .put(
                        "params",
                        new JsonObject()
                                .put("name", name)
                                .put(
                                        "_meta",
                                        new JsonObject()
                                                .put(Envelope.PROTOCOL_VERSION, version)
                                                .put(
                                                        Envelope.CLIENT_CAPABILITIES,
                                                        new JsonObject().put("elicitation", new JsonObject()))))
                .encode());
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static ModernRequests.Refusal refusal(JsonRpcMessage message, Map<String, String> headers) {
        try {
            ModernRequests.check(message, headers::get);
        } catch (ModernRequests.Refusal refusal) {
            return refusal;
        }
        throw new AssertionError("not refused");
    }

    private static int code(ModernRequests.Refusal refusal) {
        return new JsonObject(refusal.body).getJsonObject("error").getInteger("code");
    }

    @Test
    @DisplayName("matching headers pass and give the envelope")
    void matching() throws Exception {
        ModernRequests.Checked checked = ModernRequests.check(
                call("echo", "2026-07-28"),
                headers("mcp-protocol-version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "echo")::get);
        assertThat(checked.legacyHeader()).isFalse();
        assertThat(checked.envelope().declares("elicitation")).isTrue();
        assertThat(checked.envelope().declares("sampling")).isFalse();
    }

    @Test
    @DisplayName("each missing or different header is -32020 with status 400")
    void mismatches() throws Exception {
        JsonRpcMessage message = call("echo", "2026-07-28");
        for (Map<String, String> wrong : new Map[] {
            headers("Mcp-Method", "tools/call", "Mcp-Name", "echo"),
            headers("MCP-Protocol-Version", "2026-07-28", "Mcp-Name", "echo"),
            headers("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call"),
            headers("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/list", "Mcp-Name", "echo"),
            headers("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "Echo"),
            headers("MCP-Protocol-Version", "2026-07-27", "Mcp-Method", "tools/call", "Mcp-Name", "echo"),
            headers("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "=?base64?!!?=")
        }) {
            ModernRequests.Refusal refusal = refusal(message, wrong);
            assertThat(refusal.status).isEqualTo(400);
            assertThat(code(refusal)).as(wrong.toString()).isEqualTo(McpErrors.HEADER_MISMATCH);
        }
    }

    @Test
    @DisplayName("a name outside the header-safe set travels base64-encoded and is compared decoded")
    void base64Names() throws Exception {
        String name = "wetter_für_morgen";
        String header = ModernRequests.encode(name);
        assertThat(header).startsWith("=?base64?").endsWith("?=");
        ModernRequests.check(
                call(name, "2026-07-28"),
                headers("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", header)::get);
        assertThat(ModernRequests.encode("=?base64?x?="))
                .as("a value that looks encoded is encoded")
                .isNotEqualTo("=?base64?x?=");
        assertThat(ModernRequests.encode(" padded ")).startsWith("=?base64?");
        assertThat(ModernRequests.encode("plain_name")).isEqualTo("plain_name");
    }

    @Test
    @DisplayName("a version header that differs from the body is -32020 even when the body's version is unknown")
    void headerBeforeVersion() throws Exception {
        ModernRequests.Refusal refusal =
                refusal(call("echo", "v999.0.0"), headers("MCP-Protocol-Version", "2026-07-28"));
        assertThat(code(refusal)).isEqualTo(McpErrors.HEADER_MISMATCH);
    }

    @Test
    @DisplayName("a 2025 version header on a 2026-07-28 body is tolerated and flagged (claude-code#93290)")
    void claudeCodeQuirk() throws Exception {
        ModernRequests.Checked checked = ModernRequests.check(
                call("echo", "2026-07-28"),
                headers("MCP-Protocol-Version", "2025-11-25", "Mcp-Method", "tools/call", "Mcp-Name", "echo")::get);
        assertThat(checked.legacyHeader()).isTrue();
    }

    @Test
    @DisplayName("an unknown version is -32022 naming the supported ones; a missing capability object is -32602")
    void versionAndEnvelope() throws Exception {
        ModernRequests.Refusal unknown =
                refusal(call("echo", "2030-01-01"), headers("MCP-Protocol-Version", "2030-01-01"));
        assertThat(code(unknown)).isEqualTo(McpErrors.UNSUPPORTED_PROTOCOL_VERSION);
        JsonObject data = new JsonObject(unknown.body).getJsonObject("error").getJsonObject("data");
        assertThat(data.getJsonArray("supported").getList()).contains("2026-07-28");
        assertThat(data.getString("requested")).isEqualTo("2030-01-01");

        JsonRpcMessage bare = JsonRpcMessage.parse("""
                {"jsonrpc":"2.0","id":"a","method":"tools/list","params":{"_meta":{\
                "io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""");
        ModernRequests.Refusal incomplete = refusal(bare, headers());
        assertThat(code(incomplete)).isEqualTo(McpErrors.INVALID_PARAMS);
        assertThat(new JsonObject(incomplete.body).getValue("id")).isEqualTo("a");
    }

    @Test
    @DisplayName("stripping the envelope keeps the rest of _meta, and a -32022 offering 2026-07-28 is recognised")
    void stripAndOffers() {
        JsonObject params = new JsonObject()
                .put(
                        "_meta",
                        new JsonObject()
                                .put(Envelope.PROTOCOL_VERSION, "2026-07-28")
                                .put("progressToken", 7));
        assertThat(Envelope.strip(params).getJsonObject("_meta").fieldNames()).containsExactly("progressToken");
        assertThat(Envelope.strip(new JsonObject()
                                .put("_meta", new JsonObject().put(Envelope.PROTOCOL_VERSION, "x"))
                                .put("a", 1))
                        .containsKey("_meta"))
                .isFalse();
        assertThat(McpErrors.offersModern(new JsonObject(McpErrors.unsupportedVersion("1", "2025-11-25"))))
                .isTrue();
        assertThat(McpErrors.offersModern(new JsonObject(JsonRpcErrors.error("1", -32601, "no", null))))
                .isFalse();
    }

    @Test
    @DisplayName("headers mirrored for a request mcp-front sends itself")
    void mirror() throws Exception {
        Map<String, String> out = new TreeMap<>();
        ModernRequests.mirror(call("echo", "2026-07-28"), out::put);
        assertThat(out)
                .containsEntry("MCP-Protocol-Version", "2026-07-28")
                .containsEntry("Mcp-Method", "tools/call")
                .containsEntry("Mcp-Name", "echo");
        assertThatThrownBy(() -> ModernRequests.check(call("echo", "2026-07-28"), h -> null))
                .isInstanceOf(ModernRequests.Refusal.class);
    }
}
