package org.mcpfront.access;

import io.vertx.core.json.JsonObject;

/**
 * The tool, prompt or resource a request uses, by the same name access rules and list answers use:
 * {@code tools/call} and {@code prompts/get} name theirs in {@code params.name}; {@code resources/read},
 * {@code resources/subscribe} and {@code resources/unsubscribe} in {@code params.uri};
 * {@code completion/complete} in {@code params.ref} (a prompt's name or a resource template's URI).
 */
public final class Targets {

    /** What a request uses. */
    public record Target(Kind kind, String name) {}

    private Targets() {}

    /** What a request with {@code method} and {@code params} uses, or null when it names none. */
    public static Target of(String method, JsonObject params) {
        if (method == null) {
            return null;
        }
        JsonObject p = params == null ? new JsonObject() : params;
        return switch (method) {
            case "tools/call" -> new Target(Kind.TOOL, text(p.getValue("name")));
            case "prompts/get" -> new Target(Kind.PROMPT, text(p.getValue("name")));
            case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                new Target(Kind.RESOURCE, text(p.getValue("uri")));
            case "completion/complete" -> completion(p.getValue("ref"));
            default -> null;
        };
    }

    /**
     * What a 2026-07-28 request names in its {@code Mcp-Method} and {@code Mcp-Name} headers, read before its
     * body; null when the method names nothing or the header is missing (the body decides then).
     */
    public static Target ofHeaders(String method, String name) {
        if (method == null || name == null) {
            return null;
        }
        return switch (method) {
            case "tools/call" -> new Target(Kind.TOOL, name);
            case "prompts/get" -> new Target(Kind.PROMPT, name);
            case "resources/read" -> new Target(Kind.RESOURCE, name);
            default -> null;
        };
    }

    private static Target completion(Object ref) {
        if (!(ref instanceof JsonObject r)) {
            return null;
        }
        return switch (String.valueOf(r.getValue("type"))) {
            case "ref/prompt" -> new Target(Kind.PROMPT, text(r.getValue("name")));
            case "ref/resource" -> new Target(Kind.RESOURCE, text(r.getValue("uri")));
            default -> null;
        };
    }

    /** A missing or non-text name is judged as the empty name: only a rule for {@code *} matches it. */
    private static String text(Object value) {
        return value instanceof String s ? s : "";
    }
}
