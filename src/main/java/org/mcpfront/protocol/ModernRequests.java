package org.mcpfront.protocol;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * Checks a modern (2026-07-28) request the way its transport rules say a server that reads the body
 * must: the {@code _meta} envelope complete, the version one mcp-front speaks, and the mirrored
 * headers ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name}) present and equal to
 * the body. A mismatch is refused, never passed on: a load balancer may have routed on the header.
 */
public final class ModernRequests {

    public static final String METHOD_HEADER = "Mcp-Method";
    public static final String NAME_HEADER = "Mcp-Name";
    public static final String PARAM_HEADER_PREFIX = "Mcp-Param-";
    public static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";
    /** Methods whose {@code Mcp-Name} mirrors {@code params.name}; resources/read mirrors {@code params.uri}. */
    private static final Set<String> NAMED = Set.of("tools/call", "prompts/get");
    /** Methods of the 2025 revisions that 2026-07-28 removed: 404 with -32601, like any unknown method. */
    public static final Set<String> REMOVED_METHODS =
            Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe");

    private static final String BASE64_PREFIX = "=?base64?";
    private static final String BASE64_SUFFIX = "?=";
    private static final Pattern STRICT_BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    private ModernRequests() {}

    /** A refused request: the HTTP status and the JSON-RPC error body to answer with. */
    public static final class Refusal extends Exception {
        public final int status;
        public final String body;

        Refusal(int status, String body) {
            super(body, null, false, false);
            this.status = status;
            this.body = body;
        }
    }

    /**
     * The checked request's envelope, and whether its version header showed the one mismatch real clients
     * are known to send (a 2025 header on a 2026 body, anthropics/claude-code#93290), which is tolerated.
     */
    public record Checked(Envelope envelope, boolean legacyHeader) {}

    /**
     * Checks {@code message}, whose {@code _meta} carries a protocol version claim.
     *
     * @param headers reads a request header by (case-insensitive) name
     */
    public static Checked check(JsonRpcMessage message, UnaryOperator<String> headers) throws Refusal {
        String id = message.idKey();
        Object claim = Envelope.claim(message);
        if (!(claim instanceof String version)) {
            throw new Refusal(
                    400,
                    JsonRpcErrors.error(
                            id,
                            McpErrors.INVALID_PARAMS,
                            "Invalid params: _meta." + Envelope.PROTOCOL_VERSION + " must be a string",
                            null));
        }
        Envelope envelope = Envelope.of(message);
        if (envelope == null) {
            throw new Refusal(
                    400,
                    JsonRpcErrors.error(
                            id,
                            McpErrors.INVALID_PARAMS,
                            "Invalid params: _meta." + Envelope.CLIENT_CAPABILITIES + " is required (an object)",
                            null));
        }
        boolean legacyHeader = false;
        if (message.isRequest()) {
            // The header is compared with the body first: a mismatch is -32020 whatever the versions are.
            String header = headers.apply(PROTOCOL_VERSION_HEADER);
            if (header == null) {
                throw mismatch(id, "the " + PROTOCOL_VERSION_HEADER + " header is missing");
            } else if (ProtocolVersions.LEGACY_VERSIONS.contains(header) && ProtocolVersions.isModern(version)) {
                legacyHeader = true;
            } else if (!header.equals(version)) {
                throw mismatch(
                        id,
                        PROTOCOL_VERSION_HEADER + " header value '" + header + "' does not match body value '" + version
                                + "'");
            }
        }
        if (!ProtocolVersions.isModern(version)) {
            throw new Refusal(400, McpErrors.unsupportedVersion(id, version));
        }
        if (!message.isRequest()) {
            return new Checked(envelope, false);
        }
        String method = headers.apply(METHOD_HEADER);
        if (method == null) {
            throw mismatch(id, "the " + METHOD_HEADER + " header is missing");
        }
        if (!method.equals(message.method())) {
            throw mismatch(
                    id,
                    METHOD_HEADER + " header value '" + method + "' does not match body value '" + message.method()
                            + "'");
        }
        String bodyName = nameOf(message);
        if (bodyName != null) {
            String raw = headers.apply(NAME_HEADER);
            if (raw == null) {
                throw mismatch(id, "the " + NAME_HEADER + " header is missing (required for " + message.method() + ")");
            }
            String name = headerSafe(raw) ? decodeValue(raw) : null;
            if (name == null) {
                throw mismatch(
                        id,
                        NAME_HEADER + " header is not header-safe text, or not valid base64 between =?base64? and ?=");
            }
            if (!name.equals(bodyName)) {
                throw mismatch(
                        id, NAME_HEADER + " header value '" + name + "' does not match body value '" + bodyName + "'");
            }
        }
        return new Checked(envelope, legacyHeader);
    }

    /**
     * The headers a modern request carries on HTTP, from its body: what mcp-front sends when it
     * speaks 2026-07-28 to a backend itself. {@code Mcp-Param-*} mirrors need the tool's schema and
     * are left to the client that knows it.
     */
    public static void mirror(JsonRpcMessage message, BiConsumer<String, String> put) {
        Object version = Envelope.claim(message);
        if (version instanceof String v) {
            put.accept(PROTOCOL_VERSION_HEADER, v);
        }
        if (message.method() != null) {
            put.accept(METHOD_HEADER, message.method());
        }
        String name = nameOf(message);
        if (name != null && !name.isEmpty()) {
            put.accept(NAME_HEADER, encode(name));
        }
    }

    /**
     * The HTTP status of a 2026-07-28 answer that is a JSON-RPC error: the revision gives its own errors
     * their statuses (400 for -32020, -32021, -32022; 404 for an unknown method); others travel as 200.
     */
    public static int statusOf(int errorCode) {
        return switch (errorCode) {
            case McpErrors.HEADER_MISMATCH,
                    McpErrors.MISSING_CLIENT_CAPABILITY,
                    McpErrors.UNSUPPORTED_PROTOCOL_VERSION -> 400;
            case McpErrors.METHOD_NOT_FOUND -> 404;
            default -> 200;
        };
    }

    /** The body value {@code Mcp-Name} mirrors, or null for methods that have none. */
    public static String nameOf(JsonRpcMessage message) {
        JsonObject params = message.params();
        if (NAMED.contains(message.method())) {
            return params.getValue("name") instanceof String name ? name : "";
        }
        if ("resources/read".equals(message.method())) {
            return params.getValue("uri") instanceof String uri ? uri : "";
        }
        return null;
    }

    /** The header form of a value: as is when header-safe, else the base64 sentinel form. */
    public static String encode(String value) {
        boolean safe = !value.isEmpty()
                && value.equals(value.strip())
                && headerSafe(value)
                && !(value.startsWith(BASE64_PREFIX) && value.endsWith(BASE64_SUFFIX));
        return safe
                ? value
                : BASE64_PREFIX
                        + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                        + BASE64_SUFFIX;
    }

    /** The value of a header that may use the base64 sentinel form; null when that form is broken. */
    public static String decodeValue(String header) {
        if (!(header.startsWith(BASE64_PREFIX)
                && header.endsWith(BASE64_SUFFIX)
                && header.length() >= BASE64_PREFIX.length() + BASE64_SUFFIX.length())) {
            return header;
        }
        String encoded = header.substring(BASE64_PREFIX.length(), header.length() - BASE64_SUFFIX.length());
        // Strict: padded to a multiple of four, standard alphabet only (Java's decoder would take less).
        if (encoded.length() % 4 != 0 || !STRICT_BASE64.matcher(encoded).matches()) {
            return null;
        }
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /** Visible ASCII, space and tab: what RFC 9110 allows in a field value. */
    public static boolean headerSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                return false;
            }
        }
        return true;
    }

    private static Refusal mismatch(String id, String what) {
        return new Refusal(400, JsonRpcErrors.error(id, McpErrors.HEADER_MISMATCH, "Header mismatch: " + what, null));
    }
}
