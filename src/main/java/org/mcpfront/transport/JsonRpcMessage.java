package org.mcpfront.transport;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One JSON-RPC 2.0 message as it travels through mcp-front: the exact text it arrived as (which is
 * what gets forwarded, never a re-serialisation) plus the few fields routing needs.
 *
 * <p>{@link #idKey()} is the request id written as JSON ({@code 7} or {@code "abc"}), so that a
 * number id and a string id never collide and an error reply can echo the id byte for byte.
 */
public record JsonRpcMessage(String raw, Kind kind, String idKey, String method, JsonObject json) {

    public enum Kind {
        REQUEST,
        NOTIFICATION,
        RESPONSE
    }

    /** Parses a single message; a JSON array is refused here (see {@link #parseBody}). */
    public static JsonRpcMessage parse(String raw) throws JsonRpcException {
        Object value = decode(raw);
        if (!(value instanceof JsonObject object)) {
            throw JsonRpcException.invalidRequest(null, "a JSON-RPC message must be a JSON object");
        }
        return fromObject(raw, object);
    }

    /**
     * Parses an HTTP request body: one message, or (MCP 2025-03-26 only) a batch. Batch members are
     * re-encoded individually because each travels on its own; single messages keep their bytes.
     */
    public static List<JsonRpcMessage> parseBody(String body) throws JsonRpcException {
        Object value = decode(body);
        if (value instanceof JsonObject object) {
            return List.of(fromObject(body, object));
        }
        if (value instanceof JsonArray array) {
            if (array.isEmpty()) {
                throw JsonRpcException.invalidRequest(null, "an empty batch is not a valid request");
            }
            List<JsonRpcMessage> messages = new ArrayList<>(array.size());
            for (Object member : array) {
                if (!(member instanceof JsonObject object)) {
                    throw JsonRpcException.invalidRequest(null, "every batch member must be a JSON object");
                }
                messages.add(fromObject(object.encode(), object));
            }
            return messages;
        }
        throw JsonRpcException.invalidRequest(null, "a JSON-RPC message must be a JSON object");
    }

    private static Object decode(String text) throws JsonRpcException {
        try {
            Object value = Json.decodeValue(text);
            if (value == null) {
                throw JsonRpcException.invalidRequest(null, "a JSON-RPC message must be a JSON object");
            }
            return value;
        } catch (DecodeException e) {
            throw JsonRpcException.parseError(firstLine(e.getMessage()));
        }
    }

    private static JsonRpcMessage fromObject(String raw, JsonObject object) throws JsonRpcException {
        Object id = object.getValue("id");
        String idKey = idKeyOf(id);
        if (!"2.0".equals(object.getValue("jsonrpc"))) {
            throw JsonRpcException.invalidRequest(idKey, "\"jsonrpc\" must be \"2.0\"");
        }
        if (id != null && idKey == null) {
            throw JsonRpcException.invalidRequest(null, "\"id\" must be a string or a finite number");
        }
        Object method = object.getValue("method");
        if (method != null) {
            if (!(method instanceof String name) || name.isEmpty()) {
                throw JsonRpcException.invalidRequest(idKey, "\"method\" must be a non-empty string");
            }
            Object params = object.getValue("params");
            if (params != null && !(params instanceof JsonObject) && !(params instanceof JsonArray)) {
                throw JsonRpcException.invalidRequest(idKey, "\"params\" must be an object or an array");
            }
            JsonRpcMessage message =
                    new JsonRpcMessage(raw, id == null ? Kind.NOTIFICATION : Kind.REQUEST, idKey, name, object);
            if (message.hasProgressToken() && message.progressTokenKey() == null) {
                throw JsonRpcException.invalidRequest(
                        idKey, "\"params._meta.progressToken\" must be a string or a finite number");
            }
            return message;
        }
        boolean hasResult = object.containsKey("result");
        boolean hasError = object.containsKey("error");
        if (idKey == null || hasResult == hasError) {
            throw JsonRpcException.invalidRequest(
                    idKey,
                    "a message needs \"method\" (request or notification) or \"id\" with exactly one of \"result\" "
                            + "and \"error\"");
        }
        return new JsonRpcMessage(raw, Kind.RESPONSE, idKey, null, object);
    }

    /**
     * The id written as JSON, or null when it is absent or not a string or finite number. A number with
     * no fractional part is written as an integer: peers (JavaScript ones above all) echo {@code 1.0}
     * back as {@code 1}, and the response must still find its request. A number too large for a double
     * ({@code 1e400}) arrives as infinity, which no peer could echo: it is no id.
     */
    public static String idKeyOf(Object id) {
        if (id instanceof String) {
            return Json.encode(id);
        }
        if ((id instanceof Double d && !Double.isFinite(d)) || (id instanceof Float f && !Float.isFinite(f))) {
            return null;
        }
        if (id instanceof Integer || id instanceof Long) {
            return id.toString(); // what the general case below gives them, without its BigDecimal
        }
        if (id instanceof Number number) {
            BigDecimal value = new BigDecimal(number.toString());
            try {
                return value.toBigIntegerExact().toString();
            } catch (ArithmeticException fractional) {
                return value.toString();
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    public boolean isRequest() {
        return kind == Kind.REQUEST;
    }

    public boolean isResponse() {
        return kind == Kind.RESPONSE;
    }

    public boolean isInitialize() {
        return kind == Kind.REQUEST && "initialize".equals(method);
    }

    /** {@code params}, or an empty object when absent or not an object. */
    public JsonObject params() {
        Object params = json.getValue("params");
        return params instanceof JsonObject object ? object : new JsonObject();
    }

    /** {@code params._meta}, or null when absent or not an object. */
    public JsonObject meta() {
        return params().getValue("_meta") instanceof JsonObject meta ? meta : null;
    }

    /**
     * A message built by mcp-front itself (a translation between eras): encoded once, and already
     * known to be well formed.
     */
    public static JsonRpcMessage of(JsonObject json) {
        try {
            return fromObject(json.encode(), json);
        } catch (JsonRpcException e) {
            throw new IllegalArgumentException("built an invalid JSON-RPC message: " + e.getMessage(), e);
        }
    }

    /** A {@code notifications/cancelled} for the request {@code idKey} (JSON text), with the reason. */
    public static JsonRpcMessage cancelled(String idKey, String reason) {
        return of(new JsonObject()
                .put("jsonrpc", "2.0")
                .put("method", "notifications/cancelled")
                .put(
                        "params",
                        new JsonObject()
                                .put("requestId", Json.decodeValue(idKey))
                                .put("reason", reason)));
    }

    /** The same message with another id ({@code idKey} is JSON text, as {@link #idKey()}). */
    public JsonRpcMessage withIdKey(String idKey) {
        // The top level copied only: the id is all that changes, and nested values are shared, not copied.
        JsonObject copy = new JsonObject(new LinkedHashMap<>(json.getMap())).put("id", Json.decodeValue(idKey));
        return of(copy);
    }

    /** The progress token a request asked for in {@code params._meta.progressToken}, as JSON text. */
    public String progressTokenKey() {
        return params().getValue("_meta") instanceof JsonObject meta ? idKeyOf(meta.getValue("progressToken")) : null;
    }

    private boolean hasProgressToken() {
        return params().getValue("_meta") instanceof JsonObject meta && meta.getValue("progressToken") != null;
    }
}
