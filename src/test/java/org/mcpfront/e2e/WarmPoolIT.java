package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.ProcTable;
import org.mcpfront.testing.RawHttp;

/**
 * {@code routes[].warm}: processes started ahead of sessions, taken by new sessions, replaced in the
 * background, counted against the session limits, and ended on reload and shutdown with no zombie left.
 */
@DisplayName("warm stdio pools")
@Timeout(180)
class WarmPoolIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private FrontHarness front;

    @AfterEach
    void stop() {
        Closeables.closeAll(front);
    }

    private static String route(String path, int warm, int maxSessions, String marker) {
        return """
                - path: "%s"
                  type: stdio
                  command: ["node", "%s"]
                  max_sessions: %3$d
                  max_sessions_per_user: %3$d
                  warm: %4$d
                  environment: { POOL_MARKER: "%5$s" }
                """.formatted(path, NodeTools.script("stdio-test-server.mjs"), maxSessions, warm, marker);
    }

    private static String initialize(String url) {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(url, RawHttp.INITIALIZE));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /** The pid of the process serving {@code session} (the test server's whoami tool). */
    private static long pidOf(String url, String session) {
        return pidOf(url, session, "whoami");
    }

    /** The same through an aggregate, whose name for the tool is {@code tool}. */
    private static long pidOf(String url, String session, String tool) {
        HttpResponse<String> answer = RawHttp.send(RawHttp.mcpPost(
                        url,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                                + "\",\"arguments\":{}}}")
                .header("Mcp-Session-Id", session));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonObject result = RawHttp.lastMessage(answer).getJsonObject("result");
        assertThat(result).as(answer.body()).isNotNull();
        return new JsonObject(result.getJsonArray("content").getJsonObject(0).getString("text")).getLong("pid");
    }

    private static Set<Long> pids() {
        return ProcTable.children().stream().map(ProcTable.Proc::pid).collect(Collectors.toSet());
    }

    private static <T> T await(Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            FreePorts.sleep(100);
            value = probe.get();
        }
        return value;
    }

    private static Set<Long> awaitChildren(int count) {
        Set<Long> pids = await(WarmPoolIT::pids, p -> p.size() == count);
        assertThat(pids).as("child processes").hasSize(count);
        assertThat(ProcTable.children())
                .as("no zombie")
                .allSatisfy(p -> assertThat(p.state()).isNotEqualTo('Z'));
        return pids;
    }

    private static void delete(String url, String session) {
        assertThat(RawHttp.send(RawHttp.request(url)
                                .header("Mcp-Session-Id", session)
                                .DELETE())
                        .statusCode())
                .isIn(200, 202, 204);
    }

    @Test
    @DisplayName("a new session takes a warm process, and the pool starts another in its place")
    void refillAfterClaim() {
        front = FrontHarness.start(route("/warm", 2, 10, "a"));
        String url = front.url("/warm/mcp");
        Set<Long> warm = awaitChildren(2);

        String session = initialize(url);
        long served = pidOf(url, session);
        assertThat(warm).as("the session's process was one of the warm ones").contains(served);

        Set<Long> after = awaitChildren(3);
        assertThat(after).contains(served).containsAll(warm);

        delete(url, session);
        awaitChildren(2);
        assertThat(ProcTable.alive(served)).isFalse();
    }

    @Test
    @DisplayName("an aggregate's stdio member takes a warm process of its route, and the pool starts another")
    void aggregateMemberClaims() {
        front = FrontHarness.start(route("/warm", 2, 10, "a") + """
                - { path: "/all", type: aggregate }
                """);
        Set<Long> warm = awaitChildren(2);

        String url = front.url("/all/mcp");
        String session = initialize(url);
        long served = pidOf(url, session, "warm_whoami");
        assertThat(warm).as("the member's process was one of the warm ones").contains(served);

        Set<Long> after = awaitChildren(3);
        assertThat(after).contains(served).containsAll(warm);

        delete(url, session);
        awaitChildren(2);
        assertThat(ProcTable.alive(served)).isFalse();
    }

    @Test
    @DisplayName("a warm process that is killed is replaced and reaped")
    void replacedAfterKill() {
        front = FrontHarness.start(route("/warm", 2, 10, "a"));
        Set<Long> warm = awaitChildren(2);
        long victim = warm.iterator().next();
        assertThat(ProcessHandle.of(victim).orElseThrow().destroyForcibly()).isTrue();

        Set<Long> after = await(WarmPoolIT::pids, p -> p.size() == 2 && !p.contains(victim));
        assertThat(after).hasSize(2).doesNotContain(victim);
        assertThat(ProcTable.alive(victim)).as("the killed process is reaped").isFalse();

        // The replacement serves sessions like any warm process.
        String url = front.url("/warm/mcp");
        String session = initialize(url);
        assertThat(after).contains(pidOf(url, session));
    }

    @Test
    @DisplayName("warm processes count against max_sessions: no refill past the limit, one more after a session ends")
    void countedAgainstTheRouteLimit() {
        front = FrontHarness.start(route("/warm", 2, 2, "a"));
        String url = front.url("/warm/mcp");
        awaitChildren(2);
        String first = initialize(url);
        String second = initialize(url);
        HttpResponse<String> third = RawHttp.send(RawHttp.mcpPost(url, RawHttp.INITIALIZE));
        assertThat(third.statusCode()).as(third.body()).isEqualTo(503);
        // Two sessions took both warm processes; the limit leaves no room for another.
        FreePorts.sleep(500);
        assertThat(pids()).hasSize(2);

        delete(url, first);
        awaitChildren(2);
        assertThat(pidOf(url, second)).isPositive();
    }

    @Test
    @DisplayName("a session of another route takes the place of a warm process under the instance's limit")
    void countedAgainstTheInstanceLimit() {
        front = FrontHarness.start(
                route("/warm", 2, 10, "a") + """
                        - path: "/cold"
                          type: stdio
                          command: ["node", "%s"]
                          max_sessions: 10
                          max_sessions_per_user: 10
                        """.formatted(NodeTools.script("stdio-test-server.mjs")),
                "max_sessions: 3");
        awaitChildren(2);
        initialize(front.url("/cold/mcp"));
        awaitChildren(3);
        // Two warm processes and one session fill the instance; the next session ends a warm process.
        initialize(front.url("/cold/mcp"));
        awaitChildren(3);
        HttpResponse<String> fourth = RawHttp.send(RawHttp.mcpPost(front.url("/cold/mcp"), RawHttp.INITIALIZE));
        assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(200);
        HttpResponse<String> fifth = RawHttp.send(RawHttp.mcpPost(front.url("/cold/mcp"), RawHttp.INITIALIZE));
        assertThat(fifth.statusCode()).as(fifth.body()).isEqualTo(503);
        awaitChildren(3);
    }

    @Test
    @DisplayName("a reload that changes the route ends its warm processes and starts new ones; shutdown ends them")
    void reloadAndShutdown() {
        front = FrontHarness.start(route("/warm", 2, 10, "a"));
        Set<Long> before = awaitChildren(2);

        front.rewrite(route("/warm", 1, 10, "b"), "");
        Set<Long> after =
                await(WarmPoolIT::pids, p -> p.size() == 1 && p.stream().noneMatch(before::contains));
        assertThat(after).hasSize(1).doesNotContainAnyElementsOf(before);
        before.forEach(pid -> assertThat(ProcTable.alive(pid)).isFalse());

        front.close();
        front = null;
        List<ProcTable.Proc> left = await(ProcTable::children, List::isEmpty);
        assertThat(left).as("children after shutdown (zombies have state Z)").isEmpty();
    }
}
