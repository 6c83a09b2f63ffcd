package org.mcpfront.transport;

import io.vertx.core.json.JsonObject;

/**
 * JSON-RPC error responses that mcp-front writes itself. The id is spliced in as the JSON text the
 * request used, so the client matches it exactly.
 */
public final class JsonRpcErrors {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined server errors (JSON-RPC reserves -32000..-32099). */
    public static final int BACKEND_UNAVAILABLE = -32000;

    public static final int REQUEST_TIMEOUT = -32001;
    public static final int SESSION_NOT_FOUND = -32002;
    public static final int FORBIDDEN = -32003;
    public static final int PAYLOAD_TOO_LARGE = -32004;
    public static final int UNAUTHORIZED = -32005;
    public static final int RATE_LIMITED = -32006;

    private JsonRpcErrors() {}

    /** An error response; {@code idKey} null gives {@code "id": null} as JSON-RPC requires. */
    public static String error(String idKey, int code, String message) {
        return error(idKey, code, message, null);
    }

    /** The same with the error's {@code data} (null: none). */
    public static String error(String idKey, int code, String message, JsonObject data) {
        JsonObject error = new JsonObject().put("code", code).put("message", message);
        if (data != null) {
            error.put("data", data);
        }
        return "{\"jsonrpc\":\"2.0\",\"id\":" + (idKey == null ? "null" : idKey) + ",\"error\":" + error.encode() + "}";
    }
}
