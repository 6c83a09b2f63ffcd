package org.mcpfront.aggregate;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one aggregate session's client was shown: the merged lists, and for each name (tools, prompts) or
 * URI (resources, templates) the member and the name it has there, so that a call finds its member.
 * Tools and prompts get prefixed names ({@link Names}); resources keep their URIs (they are addresses, and
 * a client may have them from elsewhere), the first member listing a URI taking it.
 */
final class Catalog {

    /** The key of a list answer's {@code _meta} that names the members whose part is missing, and why. */
    static final String UNAVAILABLE = "mcp-front/unavailable";

    /** What a merged name or URI stands for. */
    record Target(String memberPath, String original) {}

    /** One member's items for a merged list (every page of its own list). */
    record Part(String memberPath, String memberName, JsonArray items) {}

    /** A member whose part is missing from a merged list. */
    record Unavailable(String memberPath, String error) {
        JsonObject toJson() {
            return new JsonObject().put("member", memberPath).put("error", error);
        }
    }

    /** The lists an aggregate merges: method, result array, the field that names an item. */
    enum Listing {
        TOOLS("tools/list", "tools", "name", "tools", true),
        PROMPTS("prompts/list", "prompts", "name", "prompts", true),
        RESOURCES("resources/list", "resources", "uri", "resources", false),
        TEMPLATES("resources/templates/list", "resourceTemplates", "uriTemplate", "resources", false);

        final String method;
        final String array;
        final String field;
        /** The server capability a member declares when it has such a list. */
        final String capability;
        /** Whether items get prefixed names (tools and prompts) or keep theirs (URIs). */
        final boolean renamed;

        Listing(String method, String array, String field, String capability, boolean renamed) {
            this.method = method;
            this.array = array;
            this.field = field;
            this.capability = capability;
            this.renamed = renamed;
        }

        /** The listing answered by {@code method}, or null. */
        static Listing of(String method) {
            for (Listing listing : values()) {
                if (listing.method.equals(method)) {
                    return listing;
                }
            }
            return null;
        }
    }

    private final Map<Listing, Map<String, Target>> shown = new EnumMap<>(Listing.class);

    /**
     * The merged result of {@code listing}: the parts in member order, renamed where names are prefixed, and
     * the members missing from it under {@code _meta["mcp-front/unavailable"]}. Remembered for later calls.
     */
    JsonObject merge(Listing listing, List<Part> parts, List<Unavailable> unavailable) {
        Map<String, Target> table = new LinkedHashMap<>();
        JsonArray merged = new JsonArray();
        for (Part part : parts) {
            for (Object item : part.items()) {
                if (!(item instanceof JsonObject object) || !(object.getValue(listing.field) instanceof String own)) {
                    continue;
                }
                String name = listing.renamed ? unique(part.memberName(), own, table) : own;
                if (name == null || table.containsKey(name)) {
                    // A URI two members list, or an item a member lists twice: the first one keeps it.
                    continue;
                }
                table.put(name, new Target(part.memberPath(), own));
                merged.add(listing.renamed ? object.copy().put(listing.field, name) : object);
            }
        }
        shown.put(listing, table);
        JsonObject result = new JsonObject().put(listing.array, merged);
        if (!unavailable.isEmpty()) {
            JsonArray missing = new JsonArray();
            unavailable.forEach(u -> missing.add(u.toJson()));
            result.put("_meta", new JsonObject().put(UNAVAILABLE, missing));
        }
        return result;
    }

    /** The prefixed name, or its shortened form when the plain one is taken; null for a duplicate. */
    private static String unique(String member, String own, Map<String, Target> taken) {
        String plain = Names.prefixed(member, own);
        if (!taken.containsKey(plain)) {
            return plain;
        }
        String shortened = Names.shortened(member, own);
        return taken.containsKey(shortened) ? null : shortened;
    }

    /**
     * What a tool or prompt name the client uses stands for: as last listed, or (a client that calls without
     * listing first, e.g. after a reconnect) the member whose prefix it carries, the longest prefix first.
     */
    Target named(Listing listing, String name, List<String> memberPaths) {
        Target listed = shown.getOrDefault(listing, Map.of()).get(name);
        if (listed != null) {
            return listed;
        }
        return memberPaths.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .filter(path -> name.startsWith(Names.member(path) + "_"))
                .findFirst()
                .map(path -> new Target(path, name.substring(Names.member(path).length() + 1)))
                .orElse(null);
    }

    /** The member a resource URI belongs to: a listed resource, or one of a member's listed templates. */
    Target resource(String uri) {
        Target listed = shown.getOrDefault(Listing.RESOURCES, Map.of()).get(uri);
        if (listed != null) {
            return listed;
        }
        for (Map.Entry<String, Target> template :
                shown.getOrDefault(Listing.TEMPLATES, Map.of()).entrySet()) {
            if (matches(template.getKey(), uri)) {
                return new Target(template.getValue().memberPath(), uri);
            }
        }
        return null;
    }

    /** Whether {@code uri} fits the RFC 6570 template: each {@code {...}} expression stands for any text. */
    static boolean matches(String template, String uri) {
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (open < 0 || close < 0) {
                regex.append(Pattern.quote(template.substring(at)));
                break;
            }
            regex.append(Pattern.quote(template.substring(at, open))).append(".*");
            at = close + 1;
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(uri).matches();
    }
}
