package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.BrowserPages;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;

/**
 * The operators' status page: a browser signs in through the same dev sign-in as the consent flow; a
 * user not in {@code oauth.admins} gets 403; an admin sees every route, and sees a route's backend go down
 * and come back while the page stays open. {@code /status.json} answers an admin's bearer token only.
 * Screenshots: {@code target/status-page/}.
 */
@DisplayName("Status page")
@Timeout(300)
class StatusPageIT {

    private static final String ADMIN = "ops@example.com";

    private EverythingServer backend;
    private FrontHarness front;
    private HttpServer control;

    @BeforeEach
    void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.startAsIssuer(
                """
                %s
                admins: ["%s"]
                signing_key_file: "%s"
                """.formatted(FrontHarness.DEV_SIGN_IN, ADMIN, TestTokens.keyFile()),
                """
                - path: "/everything"
                  type: http
                  backend: "%s"
                  health_check: { interval: 1s }
                - path: "/local"
                  type: stdio
                  command: ["node", "%s"]
                """.formatted(backend.url(), NodeTools.script("stdio-test-server.mjs")));
    }

    @AfterEach
    void stop() {
        if (control != null) {
            control.stop(0);
        }
        Closeables.closeAll(front, backend);
    }

    @Test
    @DisplayName(
            "an admin signs in, sees the routes, and sees a backend go down and come back on the open page; others "
                    + "get 403")
    void inTheBrowser() throws IOException {
        control = controlServer();
        Path out = Path.of("target", "status-page").toAbsolutePath();
        Files.createDirectories(out);
        JsonObject report = BrowserPages.statusPage(List.of(
                "--status-url",
                front.url("/status"),
                "--admin",
                ADMIN,
                "--other",
                "someone@example.com",
                "--route",
                "/everything",
                "--control",
                "http://127.0.0.1:" + control.getAddress().getPort(),
                "--out",
                out.toString()));
        assertThat(report.getJsonArray("screenshots")).hasSize(4);
        for (Object shot : report.getJsonArray("screenshots")) {
            assertThat(Path.of(String.valueOf(shot))).isNotEmptyFile();
        }
        assertThat(report.getJsonArray("console", new JsonArray()))
                .as("no CSP or script errors")
                .isEmpty();
    }

    @Test
    @DisplayName(
            "/status.json gives an admin's bearer token the report: routes, members, users, refusals; others get 401 "
                    + "or 403")
    void json() {
        HttpResponse<String> refusedCall =
                RawHttp.send(RawHttp.mcpPost(front.url("/everything/mcp"), RawHttp.INITIALIZE, null));
        assertThat(refusedCall.statusCode()).isEqualTo(401);

        String issuer = front.baseUrl();
        // Signed in for a route (and for every route), no tool called yet: listed with those routes all the same.
        new OAuthBrowser(issuer).tokens("http://127.0.0.1:9/callback", "signed.in@example.com", issuer + "/local/mcp");
        new OAuthBrowser(issuer).tokens("http://127.0.0.1:9/callback", "everywhere@example.com");
        String admin = TestTokens.mintForEmail(ADMIN, issuer, List.of(issuer));
        JsonObject status = awaitJson(
                admin,
                report -> route(report, "/everything")
                        .getJsonObject("health")
                        .getString("state")
                        .equals("up"));
        assertThat(status.getJsonArray("users").stream().map(JsonObject.class::cast))
                .anySatisfy(u -> {
                    assertThat(u.getString("user")).isEqualTo("signed.in@example.com");
                    assertThat(u.getJsonArray("routes").getList()).containsExactly("/local");
                })
                .anySatisfy(u -> {
                    assertThat(u.getString("user")).isEqualTo("everywhere@example.com");
                    assertThat(u.getJsonArray("routes").getList()).containsExactly("*");
                });
        JsonObject everything = route(status, "/everything");
        assertThat(everything.getString("type")).isEqualTo("http");
        assertThat(everything.getString("era")).isEqualTo("2025");
        assertThat(everything.getString("backend")).isEqualTo(backend.url());
        assertThat(everything.getJsonObject("limits").getInteger("max_sessions"))
                .isPositive();
        JsonObject local = route(status, "/local");
        assertThat(local.getString("type")).isEqualTo("stdio");
        assertThat(local.getString("backend")).isEqualTo("node");
        assertThat(status.getJsonArray("members")).hasSize(1);
        assertThat(status.getJsonArray("members").getJsonObject(0).getBoolean("self"))
                .isTrue();
        assertThat(status.getJsonArray("refusals").stream().map(JsonObject.class::cast))
                .anyMatch(r ->
                        "access_refused".equals(r.getString("event")) && "/everything".equals(r.getString("route")));

        HttpResponse<String> anonymous = RawHttp.send(RawHttp.anonymous(front.url("/status.json")));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("/everything");
        String notAdmin = TestTokens.mintForEmail("someone@example.com", issuer, List.of(issuer));
        HttpResponse<String> forbidden = RawHttp.send(
                RawHttp.anonymous(front.url("/status.json")).header("Authorization", "Bearer " + notAdmin));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).doesNotContain("/everything");
        String routeToken = TestTokens.mintForEmail(ADMIN, issuer, List.of(issuer + "/everything/mcp"));
        assertThat(RawHttp.send(RawHttp.anonymous(front.url("/status.json"))
                                .header("Authorization", "Bearer " + routeToken))
                        .statusCode())
                .as("a token issued for a route is not an admin's token")
                .isEqualTo(403);
    }

    @Test
    @DisplayName("/status without a page session sends the browser to sign in, with nothing secret in the URL")
    void signInFirst() {
        HttpResponse<String> response = RawHttp.send(RawHttp.anonymous(front.url("/status")));
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).doesNotContain("token").doesNotContain("access");
        assertThat(response.headers().allValues("Set-Cookie"))
                .anyMatch(c -> c.toLowerCase(Locale.ROOT).contains("httponly") && c.contains("SameSite=Lax"));
    }

    private static JsonObject route(JsonObject report, String path) {
        return report.getJsonArray("routes").stream()
                .map(JsonObject.class::cast)
                .filter(r -> path.equals(r.getString("path")))
                .findFirst()
                .orElseThrow();
    }

    private JsonObject awaitJson(String token, Predicate<JsonObject> ready) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = RawHttp.send(
                    RawHttp.anonymous(front.url("/status.json")).header("Authorization", "Bearer " + token));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            last = new JsonObject(response.body());
            if (ready.test(last)) {
                return last;
            }
            FreePorts.sleep(200);
        }
        throw new AssertionError("the report never got ready: " + last);
    }

    /** POST /stop kills the route's backend, POST /start starts it again on its port; each answers once done. */
    private HttpServer controlServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = backend.port();
        server.createContext("/stop", exchange -> {
            backend.kill();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/start", exchange -> {
            backend = EverythingServer.startOn(EverythingServer.Mode.STREAMABLE, port);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
