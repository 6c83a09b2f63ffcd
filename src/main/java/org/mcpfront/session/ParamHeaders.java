package org.mcpfront.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mcpfront.protocol.ModernRequests;

/**
 * The {@code x-mcp-header} annotations of a backend's tools (2026-07-28: a tool parameter mirrored into an
 * {@code Mcp-Param-<Name>} header), learned from its tool lists, and the check a server that reads the body
 * must make: every annotated value present in the call's arguments has its header, equal once decoded
 * (numbers compared as numbers), in header-safe characters. A backend behind a bridged session never sees
 * the client's headers, so mcp-front makes the check for it.
 */
final class ParamHeaders {

    /** One annotated parameter: the header's name part and the property path in the arguments. */
    private record Annotation(String header, List<String> path) {}

    private final Map<String, List<Annotation>> byTool = new HashMap<>();
    private boolean complete;

    /** Whether a whole tool list has been seen since the last change. */
    boolean known() {
        return complete;
    }

    /** The backend's tools changed: what was learned may be stale. */
    void forget() {
        complete = false;
    }

    /** Learns from one page of a tools/list result; {@code last} when it has no next cursor. */
    void learn(JsonObject result, boolean first, boolean last) {
        if (first) {
            byTool.clear();
        }
        if (result.getValue("tools") instanceof JsonArray tools) {
            for (Object item : tools) {
                if (item instanceof JsonObject tool && tool.getValue("name") instanceof String name) {
                    List<Annotation> annotations = new ArrayList<>();
                    if (tool.getValue("inputSchema") instanceof JsonObject schema) {
                        collect(schema, new ArrayList<>(), annotations);
                    }
                    byTool.put(name, annotations);
                }
            }
        }
        if (last) {
            complete = true;
        }
    }

    private static void collect(JsonObject schema, List<String> path, List<Annotation> into) {
        if (!(schema.getValue("properties") instanceof JsonObject properties)) {
            return;
        }
        for (String property : properties.fieldNames()) {
            if (!(properties.getValue(property) instanceof JsonObject child)) {
                continue;
            }
            List<String> childPath = new ArrayList<>(path);
            childPath.add(property);
            if (child.getValue("x-mcp-header") instanceof String header && !header.isEmpty()) {
                into.add(new Annotation(header, List.copyOf(childPath)));
            }
            collect(child, childPath, into);
        }
    }

    /**
     * Checks a tools/call's mirrored headers ({@code mirrored}: lower-case {@code mcp-param-<name>} → value as
     * sent); null when they fit, else what is wrong.
     */
    String check(JsonObject params, JsonObject mirrored) {
        String tool = params.getValue("name") instanceof String name ? name : null;
        List<Annotation> annotations = tool == null ? null : byTool.get(tool);
        if (annotations == null) {
            return null;
        }
        JsonObject arguments = params.getValue("arguments") instanceof JsonObject a ? a : new JsonObject();
        for (Annotation annotation : annotations) {
            String headerName = ModernRequests.PARAM_HEADER_PREFIX + annotation.header();
            String raw = mirrored.getString(headerName.toLowerCase(Locale.ROOT));
            if (raw != null && !ModernRequests.headerSafe(raw)) {
                return headerName + " header contains characters a header value may not carry";
            }
            Object value = valueAt(arguments, annotation.path());
            if (value == null) {
                continue;
            }
            if (raw == null) {
                return "the " + headerName + " header is missing (the tool mirrors argument "
                        + String.join(".", annotation.path()) + " into it)";
            }
            String decoded = ModernRequests.decodeValue(raw);
            if (decoded == null) {
                return headerName + " header is not valid base64 between =?base64? and ?=";
            }
            if (!matches(value, decoded)) {
                return headerName + " header value '" + decoded + "' does not match body value '" + value + "'";
            }
        }
        return null;
    }

    private static Object valueAt(JsonObject arguments, List<String> path) {
        Object current = arguments;
        for (String step : path) {
            if (!(current instanceof JsonObject object)) {
                return null;
            }
            current = object.getValue(step);
        }
        return current;
    }

    private static boolean matches(Object value, String header) {
        if (value instanceof Boolean bool) {
            return header.equals(bool.toString());
        }
        if (value instanceof Number number) {
            try {
                return new BigDecimal(number.toString()).compareTo(new BigDecimal(header.strip())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return value instanceof String text ? text.equals(header) : true;
    }
}
