package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RedisServer;

/** With {@code storage: redis}, readiness follows Redis: down when it goes, up again when it is back. */
@DisplayName("Readiness with Redis storage")
@Timeout(120)
class RedisReadinessIT {

    @Test
    @DisplayName("goes not-ready when Redis is lost, answers MCP requests 503 meanwhile, and comes back by itself")
    void followsRedis() throws Exception {
        int port = FreePorts.next();
        RedisServer redis = RedisServer.start(port);
        FrontHarness front = null;
        try {
            front = FrontHarness.startWith(FrontHarness.yaml("""
                    - path: "/a"
                      type: http
                      backend: "http://127.0.0.1:1/mcp"
                    """, "", """
                    storage: redis
                    redis_url: "%s"
                    """.formatted(redis.url())));
            assertThat(awaitReady(front, 200).getString("status")).isEqualTo("UP");

            redis.close();
            JsonObject down = awaitReady(front, 503);
            assertThat(down.encode()).contains("storage").contains("DOWN");
            HttpResponse<String> unchecked = RawHttp.send(RawHttp.mcpPost(front.url("/a/mcp"), RawHttp.INITIALIZE));
            assertThat(unchecked.statusCode())
                    .as("a token that cannot be checked is not called invalid")
                    .isEqualTo(503);
            assertThat(unchecked.headers().firstValue("Retry-After")).isPresent();

            redis = RedisServer.start(port);
            assertThat(awaitReady(front, 200).getString("status")).isEqualTo("UP");
            assertThat(RawHttp.send(RawHttp.mcpPost(front.url("/a/mcp"), RawHttp.INITIALIZE))
                            .statusCode())
                    .as("the token is accepted again (the backend itself is unreachable)")
                    .isNotIn(401, 503);
        } finally {
            Closeables.closeAll(redis, front);
        }
    }

    private static JsonObject awaitReady(FrontHarness front, int status) {
        // The tests' token is an admin's: the details say which check is down.
        return new JsonObject(RawHttp.awaitStatus(() -> RawHttp.request(front.url("/ready")), status)
                .body());
    }
}
