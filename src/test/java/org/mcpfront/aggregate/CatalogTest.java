package org.mcpfront.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.aggregate.Catalog.Listing;
import org.mcpfront.aggregate.Catalog.Part;
import org.mcpfront.aggregate.Catalog.Target;
import org.mcpfront.aggregate.Catalog.Unavailable;

@DisplayName("An aggregate's names and merged lists")
class CatalogTest {

    private static final String VALID = "^[a-zA-Z0-9_-]{1,64}$";

    @Test
    @DisplayName("a member's name is its path without the slash, inner slashes and other characters as _")
    void memberNames() {
        assertThat(Names.member("/finance")).isEqualTo("finance");
        assertThat(Names.member("/team/docs")).isEqualTo("team_docs");
        assertThat(Names.member("/a.b~c")).isEqualTo("a_b_c");
    }

    @Test
    @DisplayName("a name that fits stays <member>_<name>; one that does not is shortened, the same every time")
    void shortening() {
        assertThat(Names.prefixed("finance", "get_report")).isEqualTo("finance_get_report");
        String long1 = "x".repeat(70) + "_one";
        String long2 = "x".repeat(70) + "_two";
        String a = Names.prefixed("finance", long1);
        String b = Names.prefixed("finance", long2);
        assertThat(a).matches(VALID).hasSize(64).startsWith("finance_xxx").isEqualTo(Names.prefixed("finance", long1));
        assertThat(b).matches(VALID).isNotEqualTo(a);
        assertThat(Names.prefixed("docs", "read.file")).matches(VALID).startsWith("docs_read_file_");
        assertThat(Names.prefixed("docs", "read.file")).isNotEqualTo(Names.prefixed("docs", "read_file"));
    }

    @Test
    @DisplayName("tools are merged in member order with prefixed names, and calls find their member and own name")
    void mergesAndRoutes() {
        Catalog catalog = new Catalog();
        JsonObject merged = catalog.merge(
                Listing.TOOLS, List.of(part("/finance", "report", "echo"), part("/docs", "echo")), List.of());
        assertThat(names(merged, "tools")).containsExactly("finance_report", "finance_echo", "docs_echo");
        assertThat(merged.containsKey("_meta")).isFalse();
        assertThat(catalog.named(Listing.TOOLS, "docs_echo", List.of("/finance", "/docs")))
                .isEqualTo(new Target("/docs", "echo"));
        assertThat(catalog.named(Listing.TOOLS, "nobody_echo", List.of("/finance", "/docs")))
                .isNull();
    }

    @Test
    @DisplayName("two members whose prefixed names collide both stay listed under distinct names")
    void collisions() {
        Catalog catalog = new Catalog();
        JsonObject merged = catalog.merge(Listing.TOOLS, List.of(part("/a_b", "c"), part("/a", "b_c")), List.of());
        List<String> names = names(merged, "tools");
        assertThat(names).hasSize(2).doesNotHaveDuplicates().allMatch(n -> n.matches(VALID));
        assertThat(names.get(0)).isEqualTo("a_b_c");
        assertThat(catalog.named(Listing.TOOLS, names.get(1), List.of("/a_b", "/a")))
                .isEqualTo(new Target("/a", "b_c"));
    }

    @Test
    @DisplayName("a member not yet listed is found by its prefix, the longest first")
    void unlistedByPrefix() {
        Catalog catalog = new Catalog();
        assertThat(catalog.named(Listing.TOOLS, "team_docs_read", List.of("/team", "/team/docs")))
                .isEqualTo(new Target("/team/docs", "read"));
    }

    @Test
    @DisplayName("resources keep their URIs; a URI fitting a member's template belongs to it; members down go to _meta")
    void resources() {
        Catalog catalog = new Catalog();
        JsonObject merged = catalog.merge(
                Listing.RESOURCES,
                List.of(
                        new Part("/a", "a", new JsonArray().add(new JsonObject().put("uri", "file:///x"))),
                        new Part("/b", "b", new JsonArray().add(new JsonObject().put("uri", "file:///x")))),
                List.of(new Unavailable("/c", "connection refused")));
        assertThat(names(merged, "resources", "uri")).containsExactly("file:///x");
        assertThat(merged.getJsonObject("_meta")
                        .getJsonArray(Catalog.UNAVAILABLE)
                        .getJsonObject(0)
                        .getMap())
                .containsEntry("member", "/c")
                .containsEntry("error", "connection refused");
        catalog.merge(
                Listing.TEMPLATES,
                List.of(new Part(
                        "/b", "b", new JsonArray().add(new JsonObject().put("uriTemplate", "db://{table}/rows")))),
                List.of());
        assertThat(catalog.resource("file:///x")).isEqualTo(new Target("/a", "file:///x"));
        assertThat(catalog.resource("db://users/rows")).isEqualTo(new Target("/b", "db://users/rows"));
        assertThat(catalog.resource("db://users/cols")).isNull();
    }

    private static Part part(String path, String... tools) {
        JsonArray items = new JsonArray();
        for (String tool : tools) {
            items.add(new JsonObject().put("name", tool).put("description", tool + " of " + path));
        }
        return new Part(path, Names.member(path), items);
    }

    private static List<String> names(JsonObject result, String array) {
        return names(result, array, "name");
    }

    private static List<String> names(JsonObject result, String array, String field) {
        return result.getJsonArray(array).stream()
                .map(item -> ((JsonObject) item).getString(field))
                .toList();
    }
}
