package org.mcpfront.edge;

import io.vertx.core.http.HttpServerResponse;
import org.mcpfront.transport.JsonRpcErrors;

/** Error answers of the MCP endpoints: an HTTP status with a JSON-RPC error body clients can show. */
final class Replies {

    private Replies() {}

    static void error(HttpServerResponse response, int status, String idKey, int code, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.end();
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(JsonRpcErrors.error(idKey, code, message));
    }

    /** The JSON-RPC code that goes with an HTTP status we answer with. */
    static int codeFor(int status) {
        return switch (status) {
            case 401 -> JsonRpcErrors.UNAUTHORIZED;
            case 404 -> JsonRpcErrors.SESSION_NOT_FOUND;
            case 403 -> JsonRpcErrors.FORBIDDEN;
            case 413 -> JsonRpcErrors.PAYLOAD_TOO_LARGE;
            case 502, 503, 504 -> JsonRpcErrors.BACKEND_UNAVAILABLE;
            case 400, 409 -> JsonRpcErrors.INVALID_REQUEST;
            default -> JsonRpcErrors.INTERNAL_ERROR;
        };
    }

    static void error(HttpServerResponse response, int status, String idKey, String message) {
        error(response, status, idKey, codeFor(status), message);
    }
}
