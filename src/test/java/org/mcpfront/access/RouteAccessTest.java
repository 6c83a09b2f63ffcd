package org.mcpfront.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.identity.Caller;

@DisplayName("Route access: who may use a route, and what each caller sees and may call")
class RouteAccessTest {

    private static final Map<String, List<String>> GROUPS = Map.of(
            "admins", List.of("alice@example.com"),
            "finance", List.of("carol@example.com"));
    private static final Caller ALICE = Caller.of("alice@example.com");
    private static final Caller BOB = Caller.of("bob@example.com");
    private static final Caller CAROL = Caller.of("carol@example.com");

    private static Rule rule(String where, boolean allow, List<String> names, List<String> users, List<String> except) {
        return new Rule(where, allow, names.stream().map(Glob::parse).toList(), users, except);
    }

    /** DESIGN.md's example: nobody but admins deletes; finance reads reports; everything else for all. */
    private static final RouteAccess FINANCE = new RouteAccess(
            Optional.of(List.of("group:finance", "group:admins")),
            Map.of(
                    Kind.TOOL,
                    List.of(
                            rule("access.tools[0]", false, List.of("delete_*"), List.of(), List.of("group:admins")),
                            rule("access.tools[1]", true, List.of("report_*"), List.of("group:finance"), List.of()),
                            rule("access.tools[2]", false, List.of("report_*"), List.of(), List.of())),
                    Kind.RESOURCE,
                    List.of(rule(
                            "access.resources[0]",
                            false,
                            List.of("file:///secret/*"),
                            List.of(),
                            List.of("group:admins")))),
            Optional.empty());

    @Test
    @DisplayName("access.users admits the listed principals only; without it everyone is admitted")
    void admission() {
        assertThat(FINANCE.admits(CAROL, GROUPS)).isEqualTo(new Decision(true, "access.users group:finance"));
        assertThat(FINANCE.admits(ALICE, GROUPS).allowed()).isTrue();
        assertThat(FINANCE.admits(BOB, GROUPS)).isEqualTo(new Decision(false, "access.users"));
        assertThat(FINANCE.admits(new Caller("bob@example.com", Set.of("finance")), GROUPS)
                        .allowed())
                .isTrue();
        assertThat(RouteAccess.OPEN.admits(BOB, GROUPS)).isEqualTo(new Decision(true, "default"));
    }

    @Test
    @DisplayName("an iam: principal admits and decides tool rules by the caller's IAM roles, spelled as IAM does")
    void iamPrincipals() {
        RouteAccess deploy = new RouteAccess(
                Optional.of(List.of("iam:roles/run.invoker")),
                Map.of(
                        Kind.TOOL,
                        List.of(rule(
                                "access.tools[0]", false, List.of("delete_*"), List.of(), List.of("iam:roles/owner")))),
                Optional.empty());
        Caller invoker = new Caller("erin@example.com", Set.of("iam:roles/run.invoker"));
        Caller owner = new Caller("olga@example.com", Set.of("iam:roles/run.invoker", "iam:roles/owner"));
        assertThat(deploy.admits(invoker, GROUPS)).isEqualTo(new Decision(true, "access.users iam:roles/run.invoker"));
        assertThat(deploy.admits(new Caller("vic@example.com", Set.of("iam:roles/viewer")), GROUPS)
                        .allowed())
                .isFalse();
        assertThat(deploy.admits(new Caller("ray@example.com", Set.of("iam:roles/Run.Invoker")), GROUPS)
                        .allowed())
                .isFalse();
        assertThat(deploy.visibilityFor(invoker, GROUPS).decide(Kind.TOOL, "delete_app"))
                .isEqualTo(new Decision(false, "access.tools[0] deny [delete_*]"));
        assertThat(deploy.visibilityFor(owner, GROUPS)
                        .decide(Kind.TOOL, "delete_app")
                        .allowed())
                .isTrue();
    }

    @Test
    @DisplayName("rules are read in order, the first that applies to the caller and matches decides, none: allowed")
    void firstMatchWins() {
        Visibility alice = FINANCE.visibilityFor(ALICE, GROUPS);
        Visibility carol = FINANCE.visibilityFor(CAROL, GROUPS);
        assertThat(alice.decide(Kind.TOOL, "delete_all")).isEqualTo(Decision.ALLOWED_BY_DEFAULT);
        assertThat(carol.decide(Kind.TOOL, "delete_all"))
                .isEqualTo(new Decision(false, "access.tools[0] deny [delete_*]"));
        assertThat(carol.decide(Kind.TOOL, "report_q3"))
                .isEqualTo(new Decision(true, "access.tools[1] allow [report_*]"));
        assertThat(alice.decide(Kind.TOOL, "report_q3").allowed()).isFalse();
        assertThat(carol.decide(Kind.TOOL, "echo").allowed()).isTrue();
        assertThat(carol.decide(Kind.PROMPT, "delete_all").allowed()).isTrue();
        assertThat(carol.decide(Kind.RESOURCE, "file:///secret/a").allowed()).isFalse();
        assertThat(alice.decide(Kind.RESOURCE, "file:///secret/a").allowed()).isTrue();
    }

    @Test
    @DisplayName("a caller's visibility crosses the cluster wire unchanged")
    void wire() {
        Visibility carol = FINANCE.visibilityFor(CAROL, GROUPS);
        assertThat(Visibility.decode(carol.encode())).isEqualTo(carol);
        assertThat(Visibility.decode(Visibility.ALL.encode())).isSameAs(Visibility.ALL);
        assertThat(RouteAccess.OPEN.visibilityFor(CAROL, GROUPS)).isSameAs(Visibility.ALL);
    }

    @Test
    @DisplayName("list answers lose what the caller may not see; other answers pass byte for byte")
    void lists() {
        Visibility carol = FINANCE.visibilityFor(CAROL, GROUPS);
        String tools = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 1)
                .put(
                        "result",
                        new JsonObject()
                                .put(
                                        "tools",
                                        new JsonArray()
                                                .add(tool("echo"))
                                                .add(tool("delete_all"))
                                                .add(tool("report_q3")))
                                .put("ttlMs", 1000)
                                .put("cacheScope", "public"))
                .encode();
        JsonObject filtered = new JsonObject(ListFilter.filterResponse("tools/list", tools, carol));
        assertThat(filtered.getJsonObject("result").getJsonArray("tools").stream()
                        .map(t -> ((JsonObject) t).getString("name"))
                        .toList())
                .containsExactly("echo", "report_q3");
        assertThat(filtered.getJsonObject("result").getString("cacheScope")).isEqualTo("private");

        String templates = new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 2)
                .put(
                        "result",
                        new JsonObject()
                                .put(
                                        "resourceTemplates",
                                        new JsonArray()
                                                .add(new JsonObject().put("uriTemplate", "file:///secret/{x}"))
                                                .add(new JsonObject().put("uriTemplate", "file:///public/{x}"))))
                .encode();
        assertThat(new JsonObject(ListFilter.filterResponse("resources/templates/list", templates, carol))
                        .getJsonObject("result")
                        .getJsonArray("resourceTemplates")
                        .size())
                .isEqualTo(1);

        String raw = "{\"jsonrpc\":\"2.0\", \"id\":1,\"result\":{\"tools\":[{\"name\":\"echo\"}]}}";
        assertThat(ListFilter.filterResponse("tools/list", raw, carol)).isSameAs(raw);
        assertThat(ListFilter.filterResponse("tools/call", tools, carol)).isSameAs(tools);
        assertThat(ListFilter.filterResponse("tools/list", tools, Visibility.ALL))
                .isSameAs(tools);
        assertThat(ListFilter.filterResponse("prompts/list", tools, carol)).isSameAs(tools);
    }

    @Test
    @DisplayName("a request names its tool, prompt or resource wherever MCP puts it")
    void targets() {
        assertThat(Targets.of("tools/call", new JsonObject().put("name", "x")))
                .isEqualTo(new Targets.Target(Kind.TOOL, "x"));
        assertThat(Targets.of("resources/subscribe", new JsonObject().put("uri", "u")))
                .isEqualTo(new Targets.Target(Kind.RESOURCE, "u"));
        assertThat(Targets.of(
                        "completion/complete",
                        new JsonObject()
                                .put(
                                        "ref",
                                        new JsonObject()
                                                .put("type", "ref/prompt")
                                                .put("name", "p"))))
                .isEqualTo(new Targets.Target(Kind.PROMPT, "p"));
        assertThat(Targets.of("tools/call", new JsonObject().put("name", 5)))
                .isEqualTo(new Targets.Target(Kind.TOOL, ""));
        assertThat(Targets.of("tools/list", new JsonObject())).isNull();
        assertThat(Targets.ofHeaders("prompts/get", "p")).isEqualTo(new Targets.Target(Kind.PROMPT, "p"));
        assertThat(Targets.ofHeaders("tools/call", null)).isNull();
    }

    private static JsonObject tool(String name) {
        return new JsonObject().put("name", name).put("inputSchema", new JsonObject().put("type", "object"));
    }
}
