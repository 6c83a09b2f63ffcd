package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.HttpTestServer;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.SlowLink;

/**
 * A backend closes a keep-alive connection that was idle for its timeout, while mcp-front's pool may lend that
 * connection to the next request at that very moment: across a link with some latency, a request sent less than
 * a round trip before the backend's timeout reaches it after it closed, and fails. mcp-front must end an idle
 * connection before the backend does.
 */
@DisplayName("pooled backend connections")
@Timeout(300)
class BackendKeepAliveIT {

    /** One way across the link to the backend, as to a backend in another zone. */
    private static final long LINK_DELAY_MS = 25;

    private FrontHarness front;
    private HttpTestServer backend;
    private SlowLink link;

    @AfterEach
    void stop() {
        Closeables.closeAll(front, link, backend);
    }

    private String session(String url) {
        HttpResponse<String> init = RawHttp.send(RawHttp.mcpPost(url, RawHttp.INITIALIZE));
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
        return session;
    }

    private String frontOver(HttpTestServer server) {
        backend = server;
        link = SlowLink.to(backend.port(), LINK_DELAY_MS);
        front = FrontHarness.start("""
                - path: "/ka"
                  type: http
                  backend: "http://127.0.0.1:%d/mcp"
                  protocol: "2025"
                """.formatted(link.port()), "");
        return front.url("/ka/mcp");
    }

    /** Calls echo once after each idle gap; returns the calls that failed. */
    private static List<String> callsAfter(String url, String session, long... gaps) {
        List<String> failures = new ArrayList<>();
        int id = 0;
        for (long gap : gaps) {
            FreePorts.sleep(gap);
            id++;
            HttpResponse<String> answer = RawHttp.send(RawHttp.mcpPost(
                            url,
                            "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{"
                                    + "\"name\":\"echo\",\"arguments\":{\"message\":\"gap " + gap + "\"}}}")
                    .header("Mcp-Session-Id", session));
            if (answer.statusCode() != 200 || !answer.body().contains("Echo: gap " + gap)) {
                failures.add("after " + gap + " ms idle: HTTP " + answer.statusCode() + " " + answer.body());
            }
        }
        return failures;
    }

    @Test
    @DisplayName("a backend that closes connections idle for 5 s and says nothing of it: calls around 5 s all succeed")
    void silentFiveSeconds() {
        String url = frontOver(HttpTestServer.closingIdleAfter(5_000));
        String session = session(url);
        // Within a round trip before the backend's 5 s, mcp-front's next request would cross its close.
        assertThat(callsAfter(url, session, 4_955, 4_965, 4_975, 4_985, 5_010)).isEmpty();
    }

    @Test
    @DisplayName("Node's own keep-alive timeout (1 s said, 2 s kept): calls around both edges all succeed")
    void nodeKeepAlive() {
        String url = frontOver(HttpTestServer.withKeepAlive(1_000));
        String session = session(url);
        assertThat(callsAfter(url, session, 960, 990, 1_010, 1_960, 1_990, 2_010))
                .isEmpty();
    }
}
