package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RedisServer;

/**
 * What anyone can make the authorization server keep before signing in: registrations (kept until
 * they expire) and pending sign-ins (ten minutes). Floods are bounded in count and go to loopback; each
 * test runs its own gateway so that its counts start at zero.
 */
@DisplayName("Registration and sign-in limits for strangers")
@Timeout(180)
class RegistrationLimitsIT {

    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() {
        Closeables.closeAll(closeables.toArray(new AutoCloseable[0]));
    }

    /** A gateway of its own, with the defaults unless {@code oauthExtra} or {@code serverExtra} say otherwise. */
    private FrontHarness front(String oauthExtra, String serverExtra) {
        int port = FreePorts.next();
        FrontHarness front = FrontHarness.startWith("""
                oauth:
                  issuer: "http://127.0.0.1:%d"
                  allowed_domains: ["example.com"]
                  identity: dev
                %s
                server:
                  host: "127.0.0.1"
                  port: %d
                %s
                routes:
                  - path: "/a"
                    type: http
                    backend: "http://127.0.0.1:1/mcp"
                """.formatted(port, indent(oauthExtra), port, indent(serverExtra)));
        closeables.add(front);
        return front;
    }

    private static String indent(String yaml) {
        return yaml.isBlank()
                ? ""
                : yaml.strip()
                        .lines()
                        .map(line -> "  " + line)
                        .reduce((a, b) -> a + "\n" + b)
                        .orElse("");
    }

    private static JsonObject registration(String... redirectUris) {
        return new JsonObject()
                .put("client_name", "flood")
                .put("redirect_uris", new JsonArray(List.of((Object[]) redirectUris)))
                .put("token_endpoint_auth_method", "none");
    }

    private static HttpResponse<String> register(FrontHarness front, JsonObject body, String forwardedFor) {
        HttpRequest.Builder request = RawHttp.anonymous(front.url("/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return RawHttp.send(request);
    }

    private static List<Integer> statuses(List<HttpResponse<String>> responses) {
        return responses.stream().map(HttpResponse::statusCode).toList();
    }

    @Test
    @DisplayName("a registration flood from one address gets 429 after 20 an hour (the default), with Retry-After")
    void registrationFlood() {
        FrontHarness front = front("", "");
        List<HttpResponse<String>> responses = IntStream.range(0, 30)
                .mapToObj(i -> register(front, registration(REDIRECT), null))
                .toList();

        assertThat(statuses(responses).subList(0, 20)).containsOnly(201);
        assertThat(statuses(responses).subList(20, 30)).containsOnly(429);
        HttpResponse<String> refused = responses.get(29);
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 3600L);
        assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("too_many_requests");
    }

    @Test
    @DisplayName("an authorization flood from one address gets a 429 page after 60 a minute (the default)")
    void authorizationFlood() {
        FrontHarness front = front("", "");
        OAuthBrowser browser = new OAuthBrowser(front.baseUrl());
        String clientId = browser.register(REDIRECT);
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 70; i++) {
            last = browser.get(browser.authorization(clientId, REDIRECT).url());
            statuses.add(last.statusCode());
        }

        assertThat(statuses.subList(0, 60)).containsOnly(302);
        assertThat(statuses.subList(60, 70)).containsOnly(429);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(last.headers().firstValue("Location")).isEmpty();
    }

    @Test
    @DisplayName("registrations and sign-ins are bounded in size: redirect URIs (count, length) and state")
    void sizes() {
        FrontHarness front = front("", "");
        String[] eleven = IntStream.range(0, 11)
                .mapToObj(i -> "https://app.example/cb" + i)
                .toArray(String[]::new);
        HttpResponse<String> tooMany = register(front, registration(eleven), null);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(tooMany.body()).getString("error")).isEqualTo("invalid_redirect_uri");
        HttpResponse<String> tooLong = register(front, registration("https://app.example/" + "a".repeat(1000)), null);
        assertThat(tooLong.statusCode()).isEqualTo(400);

        OAuthBrowser browser = new OAuthBrowser(front.baseUrl());
        String clientId = browser.register(REDIRECT);
        OAuthBrowser.Authorization authorization = browser.authorization(clientId, REDIRECT);
        HttpResponse<String> hugeState =
                browser.get(authorization.url().replace("state=" + authorization.state(), "state=" + "s".repeat(1001)));
        assertThat(hugeState.statusCode()).isEqualTo(400);
        assertThat(hugeState.headers().firstValue("Location")).isEmpty();
        assertThat(hugeState.body()).contains("state is longer than 1000 characters");
    }

    @Test
    @DisplayName("a registration no sign-in completed with expires soon; one that signed someone in stays")
    void unusedRegistrationsExpire() {
        FrontHarness front = front("unused_client_ttl: 3s", "");
        OAuthBrowser browser = new OAuthBrowser(front.baseUrl());
        String unused = browser.register(REDIRECT);
        JsonObject used = browser.tokens(REDIRECT, "alice@example.com");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> page;
        do {
            FreePorts.sleep(500);
            page = browser.get(browser.authorization(unused, REDIRECT).url());
        } while (page.statusCode() != 400 && System.nanoTime() < deadline);
        assertThat(page.body()).as("the unused registration is gone").contains("Unknown application");
        assertThat(browser.get(browser.authorization(used.getString("client_id"), REDIRECT)
                                .url())
                        .statusCode())
                .as("the used one is still known")
                .isEqualTo(302);
    }

    @Test
    @DisplayName("memory storage refuses new registrations at its bound, with 503, and the gateway stays up")
    void memoryBounded() {
        FrontHarness front = front("""
                limits:
                  registrations_per_address: "100000/1h"
                  registrations: "100000/1h"
                  memory_storage: "256KiB"
                """, "");
        String longUri = "https://app.example/" + "p".repeat(900);
        int created = 0;
        HttpResponse<String> response = null;
        while (created < 1000) {
            response = register(front, registration(longUri), null);
            if (response.statusCode() != 201) {
                break;
            }
            created++;
        }

        assertThat(response.statusCode())
                .as("after " + created + " registrations")
                .isEqualTo(503);
        assertThat(created).as("registrations of about 2 KiB each in 256 KiB").isBetween(50, 200);
        assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("temporarily_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(RawHttp.send(RawHttp.anonymous(front.url("/health"))).statusCode())
                .isEqualTo(200);
    }

    @Test
    @DisplayName(
            "X-Forwarded-For from a peer that is not a trusted proxy is ignored: spoofed addresses share one count")
    void forwardedHeaderFromAnyone() {
        FrontHarness front = front("limits: { registrations_per_address: \"3/1h\" }", "");
        List<Integer> statuses = IntStream.range(0, 6)
                .mapToObj(i -> register(front, registration(REDIRECT), "203.0.113." + i)
                        .statusCode())
                .toList();

        assertThat(statuses).containsExactly(201, 201, 201, 429, 429, 429);
    }

    @Test
    @DisplayName("behind a trusted proxy, each client address that the proxy names has its own count")
    void forwardedHeaderFromTrustedProxy() {
        FrontHarness front =
                front("limits: { registrations_per_address: \"3/1h\" }", "trusted_proxies: [\"127.0.0.1/32\"]");
        List<Integer> first = IntStream.range(0, 4)
                .mapToObj(i ->
                        register(front, registration(REDIRECT), "203.0.113.1").statusCode())
                .toList();
        assertThat(first).containsExactly(201, 201, 201, 429);

        assertThat(register(front, registration(REDIRECT), "203.0.113.2").statusCode())
                .isEqualTo(201);
        assertThat(register(front, registration(REDIRECT), "198.51.100.7, 203.0.113.1")
                        .statusCode())
                .as("what the client wrote left of the proxy's entry is not believed")
                .isEqualTo(429);
        assertThat(register(front, registration(REDIRECT), "203.0.113.3, 127.0.0.1")
                        .statusCode())
                .as("a chain of trusted proxies is walked back to the client")
                .isEqualTo(201);
    }

    @Test
    @DisplayName("instances sharing Redis share the counts: the limit holds across a cluster")
    void sharedCounts() {
        RedisServer redis = RedisServer.start();
        closeables.add(redis);
        String oauth = """
                storage: redis
                redis_url: "%s"
                limits: { registrations_per_address: "4/1h" }
                """.formatted(redis.url());
        FrontHarness a = front(oauth, "");
        FrontHarness b = front(oauth, "");
        List<Integer> statuses = IntStream.range(0, 8)
                .mapToObj(i -> register(i % 2 == 0 ? a : b, registration(REDIRECT), null)
                        .statusCode())
                .toList();

        assertThat(statuses.stream().filter(status -> status == 201).count())
                .as(statuses.toString())
                .isEqualTo(4);
        assertThat(statuses.subList(4, 8)).containsOnly(429);
        assertThat(URI.create(a.baseUrl()).getPort())
                .isNotEqualTo(URI.create(b.baseUrl()).getPort());
    }
}
