package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;

/**
 * Issue 12, findings 4 and 10: a session answers only the user, the OAuth client and the route that
 * opened it; and one user cannot take a route's whole session limit.
 */
@DisplayName("Sessions are bound to user, client and route, and one user has a share of a route's sessions")
@Timeout(120)
class SessionBindingIT {

    private static final String ISSUER = TestTokens.ISSUER;
    private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    private static EverythingServer backend;
    private static FrontHarness front;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.start("""
                - { path: "/a", type: http, backend: "%1$s" }
                - { path: "/b", type: http, backend: "%1$s" }
                - { path: "/small", type: http, backend: "%1$s", max_sessions: 4 }
                """.formatted(backend.url()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend);
    }

    private static String open(String route, String token) {
        HttpResponse<String> answer =
                RawHttp.send(RawHttp.mcpPost(front.url(route + "/mcp"), RawHttp.INITIALIZE, token));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static HttpResponse<String> list(String route, String token, String session) {
        return RawHttp.send(RawHttp.mcpPost(front.url(route + "/mcp"), TOOLS_LIST, token)
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-06-18"));
    }

    @Test
    @DisplayName("a token for route /a cannot reach the same user's session on /b, nor another client's session")
    void boundToRouteAndClient() {
        String forB = TestTokens.mintFor("alice", "client-1", ISSUER, List.of(ISSUER + "/b/mcp"));
        String forA = TestTokens.mintFor("alice", "client-1", ISSUER, List.of(ISSUER + "/a/mcp"));
        String otherClient = TestTokens.mintFor("alice", "client-2", ISSUER, List.of(ISSUER));
        String session = open("/b", forB);
        assertThat(list("/b", forB, session).statusCode()).isEqualTo(200);

        assertThat(list("/a", forA, session).statusCode())
                .as("a token for /a, /b's session id, sent to /a")
                .isEqualTo(404);
        assertThat(list("/b", otherClient, session).statusCode())
                .as("the same user through another client")
                .isEqualTo(404);
        HttpResponse<String> delete = RawHttp.send(RawHttp.request(front.url("/a/mcp"))
                .header("Authorization", "Bearer " + forA)
                .header("Mcp-Session-Id", session)
                .DELETE());
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(list("/b", forB, session).statusCode())
                .as("the session lives on for its owner")
                .isEqualTo(200);
    }

    @Test
    @DisplayName("one user gets a quarter of a route's sessions by default; other users still get theirs")
    void perUserShare() {
        String bob = TestTokens.mintFor("bob", ISSUER, List.of(ISSUER));
        String carol = TestTokens.mintFor("carol", ISSUER, List.of(ISSUER));
        open("/small", bob);
        HttpResponse<String> second = RawHttp.send(RawHttp.mcpPost(front.url("/small/mcp"), RawHttp.INITIALIZE, bob));
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(second.body()).getJsonObject("error").getString("message"))
                .contains("the most one user may have");
        open("/small", carol);
    }
}
