package org.mcpfront.protocol;

import io.vertx.core.json.JsonObject;
import org.mcpfront.transport.JsonRpcErrors;

/** The JSON-RPC error codes MCP defines, and the error responses of the 2026-07-28 revision. */
public final class McpErrors {

    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    /** The HTTP headers do not match the body, or a required one is missing or malformed. */
    public static final int HEADER_MISMATCH = -32020;

    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private McpErrors() {}

    public static String unsupportedVersion(String idKey, String requested) {
        return JsonRpcErrors.error(
                idKey,
                UNSUPPORTED_PROTOCOL_VERSION,
                "Unsupported protocol version",
                new JsonObject().put("supported", ProtocolVersions.supported()).put("requested", requested));
    }

    /** Whether a JSON-RPC error response is {@code -32022} listing a modern revision as supported. */
    public static boolean offersModern(JsonObject response) {
        if (!(response.getValue("error") instanceof JsonObject error)
                || !(error.getValue("code") instanceof Number code)
                || code.intValue() != UNSUPPORTED_PROTOCOL_VERSION) {
            return false;
        }
        if (!(error.getValue("data") instanceof JsonObject data) || data.getJsonArray("supported") == null) {
            return false;
        }
        return data.getJsonArray("supported").stream()
                .anyMatch(v -> v instanceof String s && ProtocolVersions.isModern(s));
    }
}
