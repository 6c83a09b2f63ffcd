package org.mcpfront.access;

import java.util.List;

/**
 * What access rules name, with where MCP carries those names: a tool or prompt by its name, a resource by
 * its URI (and a resource template by its URI template, judged by the same rules).
 */
public enum Kind {
    TOOL("tools", "tool"),
    PROMPT("prompts", "prompt"),
    RESOURCE("resources", "resource");

    /** The key under a route's {@code access:}. */
    public final String key;
    /** How an error message names one. */
    public final String noun;

    Kind(String key, String noun) {
        this.key = key;
        this.noun = noun;
    }

    /** The list methods whose answers name things of this kind: method, result array, item field. */
    List<Listing> listings() {
        return switch (this) {
            case TOOL -> List.of(new Listing("tools/list", "tools", "name"));
            case PROMPT -> List.of(new Listing("prompts/list", "prompts", "name"));
            case RESOURCE ->
                List.of(
                        new Listing("resources/list", "resources", "uri"),
                        new Listing("resources/templates/list", "resourceTemplates", "uriTemplate"));
        };
    }

    /** A list method's answer: the array {@code result.<array>} of objects named by {@code <field>}. */
    record Listing(String method, String array, String field) {}
}
