package org.mcpfront.testing;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * MCP 2026-07-28 requests written by hand, exactly as the revision puts them on the wire: the
 * {@code _meta} envelope in the body and the mirrored headers ({@code MCP-Protocol-Version},
 * {@code Mcp-Method}, {@code Mcp-Name}). Tests change one part at a time to check what the gateway
 * refuses.
 */
public final class ModernWire {

    public static final String VERSION = "2026-07-28";

    private ModernWire() {}

    /** The envelope a client with these capabilities sends. */
    public static JsonObject meta(JsonObject capabilities) {
        return new JsonObject()
                .put("io.modelcontextprotocol/protocolVersion", VERSION)
                .put(
                        "io.modelcontextprotocol/clientInfo",
                        new JsonObject().put("name", "mcp-front-test").put("version", "1"))
                .put("io.modelcontextprotocol/clientCapabilities", capabilities);
    }

    /** A request body: {@code params} plus the envelope. */
    public static String body(Object id, String method, JsonObject params, JsonObject capabilities) {
        JsonObject withMeta = (params == null ? new JsonObject() : params.copy()).put("_meta", meta(capabilities));
        return new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", method)
                .put("params", withMeta)
                .encode();
    }

    /** A POST of {@code body} with the headers a conforming client mirrors from it. */
    public static HttpRequest.Builder post(String url, String body) {
        JsonObject json = new JsonObject(body);
        HttpRequest.Builder request = RawHttp.mcpPost(url, body)
                .header("MCP-Protocol-Version", VERSION)
                .header("Mcp-Method", json.getString("method"));
        JsonObject params = json.getJsonObject("params", new JsonObject());
        String name = switch (json.getString("method")) {
            case "tools/call", "prompts/get" -> params.getString("name");
            case "resources/read" -> params.getString("uri");
            default -> null;
        };
        return name == null ? request : request.header("Mcp-Name", headerValue(name));
    }

    /** A header value in the revision's encoding: as is when safe, else the base64 sentinel form. */
    public static String headerValue(String value) {
        boolean safe = value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e) && value.equals(value.strip());
        return safe
                ? value
                : "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
