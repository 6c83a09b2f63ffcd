package org.mcpfront.transport;

/** A client message that cannot be accepted; carries the JSON-RPC error to answer with. */
public final class JsonRpcException extends Exception {

    private final int code;
    private final String idKey;

    private JsonRpcException(int code, String idKey, String message) {
        super(message);
        this.code = code;
        this.idKey = idKey;
    }

    public static JsonRpcException parseError(String detail) {
        return new JsonRpcException(JsonRpcErrors.PARSE_ERROR, null, "Parse error: " + detail);
    }

    public static JsonRpcException invalidRequest(String idKey, String detail) {
        return new JsonRpcException(JsonRpcErrors.INVALID_REQUEST, idKey, "Invalid request: " + detail);
    }

    public int code() {
        return code;
    }

    /** The JSON-RPC error response for this problem. */
    public String toResponse() {
        return JsonRpcErrors.error(idKey, code, getMessage());
    }
}
