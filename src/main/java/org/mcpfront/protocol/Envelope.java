package org.mcpfront.protocol;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * The per-request metadata of MCP 2026-07-28, carried in {@code params._meta}: the revision, the
 * client's capabilities and (optionally) its info and the log level it wants for this request.
 *
 * @param logLevel null when the client wants no {@code notifications/message} for this request
 */
public record Envelope(String protocolVersion, JsonObject clientCapabilities, JsonObject clientInfo, String logLevel) {

    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
    private static final String PREFIX = "io.modelcontextprotocol/";

    /**
     * The revision a message claims in its {@code _meta}, or null: per the 2026-07-28 versioning rules
     * this claim, not any header, is what makes a request modern.
     */
    public static Object claim(JsonRpcMessage message) {
        JsonObject meta = message.meta();
        return meta == null ? null : meta.getValue(PROTOCOL_VERSION);
    }

    /** The envelope of a modern message, or null when a required field is missing or mistyped. */
    public static Envelope of(JsonRpcMessage message) {
        JsonObject meta = message.meta();
        if (meta == null
                || !(meta.getValue(PROTOCOL_VERSION) instanceof String version)
                || !(meta.getValue(CLIENT_CAPABILITIES) instanceof JsonObject capabilities)) {
            return null;
        }
        JsonObject info = meta.getValue(CLIENT_INFO) instanceof JsonObject i ? i : null;
        String level = meta.getValue(LOG_LEVEL) instanceof String l ? l : null;
        return new Envelope(version, capabilities, info, level);
    }

    /** An envelope for requests mcp-front sends in a client's name (from its legacy {@code initialize}). */
    public static Envelope forClient(JsonObject capabilities, JsonObject clientInfo, String logLevel) {
        return new Envelope(
                ProtocolVersions.MODERN, capabilities == null ? new JsonObject() : capabilities, clientInfo, logLevel);
    }

    /** Writes this envelope into {@code params._meta} of a copy of {@code params}. */
    public JsonObject applyTo(JsonObject params) {
        JsonObject copy = params == null ? new JsonObject() : params.copy();
        JsonObject meta = copy.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
        meta.put(PROTOCOL_VERSION, protocolVersion).put(CLIENT_CAPABILITIES, clientCapabilities);
        if (clientInfo != null) {
            meta.put(CLIENT_INFO, clientInfo);
        }
        if (logLevel != null) {
            meta.put(LOG_LEVEL, logLevel);
        }
        copy.put("_meta", meta);
        return copy;
    }

    /** A copy of {@code params} without the envelope's keys: what a legacy server is sent. */
    public static JsonObject strip(JsonObject params) {
        // Copies of the two levels that change; the arguments below them are shared, not copied.
        JsonObject copy = new JsonObject(new LinkedHashMap<>(params.getMap()));
        if (copy.getValue("_meta") instanceof JsonObject original) {
            JsonObject meta = new JsonObject(new LinkedHashMap<>(original.getMap()));
            meta.fieldNames().removeIf(name -> name.startsWith(PREFIX));
            if (meta.isEmpty()) {
                copy.remove("_meta");
            } else {
                copy.put("_meta", meta);
            }
        }
        return copy;
    }

    /** Whether the client declared {@code capability} (elicitation, sampling, roots). */
    public boolean declares(String capability) {
        return clientCapabilities.getValue(capability) instanceof JsonObject;
    }
}
