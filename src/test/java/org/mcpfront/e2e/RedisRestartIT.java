package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RedisServer;

/**
 * With Redis storage and no key file, the signing key is generated once and kept in Redis: a restart
 * keeps access tokens, refresh tokens and registered clients working.
 */
@DisplayName("A restart on Redis storage")
@Timeout(120)
class RedisRestartIT {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";

    @Test
    @DisplayName("keeps the signing key, refresh tokens and registered clients")
    void survivesRestart() throws Exception {
        RedisServer redis = RedisServer.start();
        EverythingServer backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        int port = FreePorts.next();
        String issuer = "http://127.0.0.1:" + port;
        String config = """
                oauth:
                  issuer: "%s"
                  allowed_domains: ["example.com"]
                  identity: dev
                  storage: redis
                  redis_url: "%s"
                server:
                  host: "127.0.0.1"
                  port: %d
                routes:
                  - path: "/a"
                    type: http
                    backend: "%s"
                """.formatted(issuer, redis.url(), port, backend.url());
        FrontHarness front = FrontHarness.startWith(config);
        try {
            OAuthBrowser browser = new OAuthBrowser(issuer);
            JsonObject tokens = browser.tokens(REDIRECT, "alice@example.com");
            String jwksBefore =
                    RawHttp.send(RawHttp.anonymous(issuer + "/jwks.json")).body();
            assertThat(initialize(issuer, tokens.getString("access_token")).statusCode())
                    .isEqualTo(200);

            front.close();
            front = FrontHarness.startWith(config);

            assertThat(RawHttp.send(RawHttp.anonymous(issuer + "/jwks.json")).body())
                    .isEqualTo(jwksBefore);
            assertThat(initialize(issuer, tokens.getString("access_token")).statusCode())
                    .as("an access token issued before the restart")
                    .isEqualTo(200);
            HttpResponse<String> refreshed =
                    browser.refresh(tokens.getString("client_id"), tokens.getString("refresh_token"));
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            assertThat(initialize(issuer, new JsonObject(refreshed.body()).getString("access_token"))
                            .statusCode())
                    .isEqualTo(200);

            OAuthBrowser.Authorization again = browser.authorization(tokens.getString("client_id"), REDIRECT);
            assertThat(browser.exchange(again, browser.authorize(again, "alice@example.com"))
                            .statusCode())
                    .as("the client registered before the restart")
                    .isEqualTo(200);
        } finally {
            Closeables.closeAll(front, backend, redis);
        }
    }

    private static HttpResponse<String> initialize(String issuer, String accessToken) {
        return RawHttp.send(RawHttp.mcpPost(issuer + "/a/mcp", RawHttp.INITIALIZE, accessToken));
    }
}
