package org.mcpfront.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Takes what a caller may not see out of list answers ({@code tools/list}, {@code prompts/list},
 * {@code resources/list}, {@code resources/templates/list}). Answers to other methods, errors and lists the
 * rules do not restrict pass untouched, byte for byte.
 */
public final class ListFilter {

    private ListFilter() {}

    /** Whether answers to {@code method} are lists this filter may edit for {@code visibility}. */
    public static boolean filters(String method, Visibility visibility) {
        return listing(method, visibility) != null;
    }

    /**
     * {@code raw}, a JSON-RPC response to a {@code method} request, without the items {@code visibility}
     * hides; the same string when nothing is hidden or it is not such an answer.
     */
    public static String filterResponse(String method, String raw, Visibility visibility) {
        Located found = listing(method, visibility);
        if (found == null || !raw.contains("\"result\"")) {
            return raw;
        }
        JsonObject response;
        try {
            response = new JsonObject(raw);
        } catch (RuntimeException notAnObject) {
            return raw;
        }
        return filterResult(method, response.getJsonObject("result"), visibility) > 0 ? response.encode() : raw;
    }

    /**
     * Removes hidden items from {@code result} in place; returns how many. A filtered answer differs per
     * caller, so it is marked {@code cacheScope: private} when it carries 2026-07-28 cache hints.
     */
    public static int filterResult(String method, JsonObject result, Visibility visibility) {
        Located found = listing(method, visibility);
        if (found == null || result == null || !(result.getValue(found.listing.array()) instanceof JsonArray items)) {
            return 0;
        }
        if (result.containsKey("cacheScope")) {
            result.put("cacheScope", "private");
        }
        int removed = 0;
        for (int i = items.size() - 1; i >= 0; i--) {
            Object item = items.getValue(i);
            String name =
                    item instanceof JsonObject object && object.getValue(found.listing.field()) instanceof String s
                            ? s
                            : "";
            if (!visibility.decide(found.kind, name).allowed()) {
                items.remove(i);
                removed++;
            }
        }
        return removed;
    }

    private record Located(Kind kind, Kind.Listing listing) {}

    private static Located listing(String method, Visibility visibility) {
        if (method == null || visibility == null || visibility.hidesNothing()) {
            return null;
        }
        for (Kind kind : Kind.values()) {
            if (!visibility.restricts(kind)) {
                continue;
            }
            for (Kind.Listing listing : kind.listings()) {
                if (listing.method().equals(method)) {
                    return new Located(kind, listing);
                }
            }
        }
        return null;
    }
}
