package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.EverythingServer;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.McpClient;
import org.mcpfront.testing.OAuthBrowser;
import org.mcpfront.testing.OAuthClient;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;

/**
 * Host-based routes ({@code routes[].host}): a route reached at the root of its own host name, here
 * {@code notion.mcp.test}, which the Node client resolves to 127.0.0.1 itself (and the raw requests name in
 * their Host header), so every request carries that name as it would through DNS. The issuer stays
 * {@code http://127.0.0.1:<port>} with the dev sign-in, bound to loopback, so DNS-rebinding protection is on.
 */
@DisplayName("Host-based routes")
@Timeout(180)
class HostRoutesIT {

    private static final String HOST = "notion.mcp.test";
    private static final String REDIRECT = "http://127.0.0.1:9/callback";
    private static EverythingServer backend;
    private static FrontHarness front;
    private static String issuer;
    private static String hostUrl;

    @BeforeAll
    static void start() {
        backend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        front = FrontHarness.startAsIssuer(FrontHarness.DEV_SIGN_IN, """
                - { path: "/notion", type: http, backend: "%1$s", host: "%2$s" }
                - { path: "/other", type: http, backend: "%1$s" }
                """.formatted(backend.url(), HOST));
        issuer = front.baseUrl();
        hostUrl = "http://" + HOST + ":" + front.port() + "/mcp";
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, backend);
    }

    @Test
    @DisplayName(
            "the TypeScript SDK signs in for the route's host URL and calls a tool there; that token is refused on "
                    + "the route's path URL")
    void sdkOnTheRouteHost() {
        JsonObject report = OAuthClient.runPassing(
                hostUrl,
                McpClient.Transport.STREAMABLE,
                "alice@example.com",
                "--resolve",
                HOST,
                "--resource-check",
                issuer + "/notion/mcp");
        JsonObject steps = report.getJsonObject("steps");
        assertThat(steps.getJsonObject("metadata").getJsonObject("prm").getString("resource"))
                .isEqualTo(hostUrl);
        assertThat(steps.getJsonObject("metadata").getString("issuer")).isEqualTo(issuer);
        assertThat(steps.getJsonObject("authorize").getString("authorizationUrl"))
                .isEqualTo(issuer + "/authorize");
        assertThat(steps.getJsonObject("token")
                        .getJsonObject("claims")
                        .getValue("aud")
                        .toString())
                .contains(hostUrl);
        assertThat(steps.getJsonObject("tools/call").getString("text")).isEqualTo("Echo: through mcp-front with OAuth");
    }

    @Test
    @DisplayName("a legacy SSE client signs in for the host's /sse and posts its messages to the host's /message")
    void sseOnTheRouteHost() {
        String sseUrl = "http://" + HOST + ":" + front.port() + "/sse";
        JsonObject report =
                OAuthClient.runPassing(sseUrl, McpClient.Transport.SSE, "alice@example.com", "--resolve", HOST);
        assertThat(report.getJsonObject("steps").getJsonObject("tools/call").getBoolean("ok"))
                .isTrue();
    }

    @Test
    @DisplayName("a token for the route's path URL is refused on its host URL")
    void pathTokenRefusedOnHost() {
        OAuthClient.runPassing(
                issuer + "/notion/mcp",
                McpClient.Transport.STREAMABLE,
                "alice@example.com",
                "--resolve",
                HOST,
                "--resource-check",
                hostUrl);
    }

    @Test
    @DisplayName("the route host answers 401 naming its own metadata, which names its URL and the one issuer")
    void metadataOnTheRouteHost() {
        Raw unauthorized = raw("POST", "/mcp", HOST + ":" + front.port(), RawHttp.INITIALIZE, Map.of());
        assertThat(unauthorized.status()).isEqualTo(401);
        String metadataUrl = "http://" + HOST + ":" + front.port() + "/.well-known/oauth-protected-resource/mcp";
        assertThat(unauthorized.header("www-authenticate"))
                .isEqualTo("Bearer resource_metadata=\"" + metadataUrl + "\", scope=\"mcp\"");
        for (String path :
                List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            Raw prm = raw("GET", path, HOST + ":" + front.port(), null, Map.of());
            assertThat(prm.status()).as(path).isEqualTo(200);
            JsonObject body = new JsonObject(prm.body());
            assertThat(body.getString("resource")).isEqualTo(hostUrl);
            assertThat(body.getJsonArray("authorization_servers").getList()).containsExactly(issuer);
        }
        JsonObject sse = new JsonObject(raw("GET", "/.well-known/oauth-protected-resource/sse", HOST, null, Map.of())
                .body());
        assertThat(sse.getString("resource")).isEqualTo("http://" + HOST + ":" + front.port() + "/sse");
        Raw sseUnauthorized = raw("GET", "/sse", HOST, null, Map.of("Accept", "text/event-stream"));
        assertThat(sseUnauthorized.header("www-authenticate")).contains("/.well-known/oauth-protected-resource/sse\"");
        // The issuer's own metadata is unchanged: the route's path URL is still its resource there.
        JsonObject pathPrm = new JsonObject(
                RawHttp.send(RawHttp.anonymous(issuer + "/.well-known/oauth-protected-resource/notion/mcp"))
                        .body());
        assertThat(pathPrm.getString("resource")).isEqualTo(issuer + "/notion/mcp");
    }

    @Test
    @DisplayName("the authorization server, the operator's endpoints and other routes are not served on the route host")
    void onlyTheRouteOnItsHost() {
        for (String path : List.of(
                "/.well-known/oauth-authorization-server",
                "/.well-known/openid-configuration",
                "/authorize?client_id=x",
                "/jwks.json",
                "/status",
                "/status.json",
                "/ready",
                "/metrics",
                "/other/mcp",
                "/notion/mcp",
                "/.well-known/oauth-protected-resource/other/mcp")) {
            assertThat(raw("GET", path, HOST, null, Map.of()).status()).as(path).isEqualTo(404);
        }
        for (String path : List.of("/token", "/register", "/revoke", "/consent")) {
            Raw response = raw("POST", path, HOST, "{}", Map.of());
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.body()).contains(issuer);
        }
        assertThat(raw("GET", "/health", HOST, null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    @DisplayName(
            "audiences: a host token works on the host only, a path token and an every-route token on the path only")
    void audiences() {
        OAuthBrowser browser = new OAuthBrowser(issuer);
        String hostToken =
                browser.tokens(REDIRECT, "alice@example.com", hostUrl).getString("access_token");
        String pathToken = browser.tokens(REDIRECT, "alice@example.com", issuer + "/notion/mcp")
                .getString("access_token");
        String everyRoute = browser.tokens(REDIRECT, "alice@example.com").getString("access_token");

        assertThat(initializeOnHost(hostToken).status()).isEqualTo(200);
        assertThat(initializeOnHost(pathToken).status()).isEqualTo(401);
        assertThat(initializeOnHost(pathToken).header("www-authenticate")).contains("error=\"invalid_token\"");
        assertThat(initializeOnHost(everyRoute).status()).isEqualTo(401);

        assertThat(RawHttp.send(RawHttp.mcpPost(issuer + "/notion/mcp", RawHttp.INITIALIZE, pathToken))
                        .statusCode())
                .isEqualTo(200);
        assertThat(RawHttp.send(RawHttp.mcpPost(issuer + "/notion/mcp", RawHttp.INITIALIZE, everyRoute))
                        .statusCode())
                .isEqualTo(200);
        assertThat(RawHttp.send(RawHttp.mcpPost(issuer + "/notion/mcp", RawHttp.INITIALIZE, hostToken))
                        .statusCode())
                .isEqualTo(401);
        assertThat(RawHttp.send(RawHttp.mcpPost(issuer + "/other/mcp", RawHttp.INITIALIZE, hostToken))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    @DisplayName("an unknown Host and a foreign Origin are still refused (DNS-rebinding protection)")
    void unknownHostRefused() {
        String token = new OAuthBrowser(issuer)
                .tokens(REDIRECT, "alice@example.com", issuer + "/notion/mcp")
                .getString("access_token");
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
        assertThat(raw("POST", "/notion/mcp", "127.0.0.1:" + front.port(), RawHttp.INITIALIZE, bearer)
                        .status())
                .isEqualTo(200);
        Raw foreignHost = raw("POST", "/notion/mcp", "evil.test:" + front.port(), RawHttp.INITIALIZE, bearer);
        assertThat(foreignHost.status()).isEqualTo(403);
        assertThat(foreignHost.body()).contains("DNS rebinding");
        assertThat(raw("POST", "/mcp", "evil.test", RawHttp.INITIALIZE, bearer).status())
                .isIn(403, 404);
        assertThat(raw("POST", "/mcp", "mcp.test", RawHttp.INITIALIZE, bearer).status())
                .isIn(403, 404);

        String hostToken = new OAuthBrowser(issuer)
                .tokens(REDIRECT, "alice@example.com", hostUrl)
                .getString("access_token");
        Map<String, String> foreignOrigin =
                Map.of("Authorization", "Bearer " + hostToken, "Origin", "https://evil.example");
        assertThat(raw("POST", "/mcp", HOST, RawHttp.INITIALIZE, foreignOrigin).status())
                .isEqualTo(403);
        Map<String, String> ownOrigin =
                Map.of("Authorization", "Bearer " + hostToken, "Origin", "http://" + HOST + ":" + front.port());
        assertThat(raw("POST", "/mcp", HOST, RawHttp.INITIALIZE, ownOrigin).status())
                .isEqualTo(200);
    }

    @Test
    @DisplayName("hot reload adds and removes a route host")
    void reloadAddsAndRemovesHosts() {
        EverythingServer reloadBackend = EverythingServer.start(EverythingServer.Mode.STREAMABLE);
        String route = "- { path: \"/docs\", type: http, backend: \"%s\" }".formatted(reloadBackend.url());
        try (FrontHarness reloading = FrontHarness.start(route)) {
            String docsHost = "docs.mcp.test";
            String token = TestTokens.mint(TestTokens.ISSUER, List.of("http://" + docsHost + ":8080/mcp"));
            Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
            int port = reloading.port();
            // Not a route host: no /mcp at its root, and the Host is refused on the route's path.
            assertThat(raw(port, "POST", "/mcp", docsHost, RawHttp.INITIALIZE, bearer)
                            .status())
                    .isEqualTo(404);
            assertThat(raw(port, "POST", "/docs/mcp", docsHost, RawHttp.INITIALIZE, bearer)
                            .status())
                    .isEqualTo(403);

            reloading.rewrite(route.replace(" }", ", host: \"" + docsHost + "\" }"), "");
            awaitStatus(
                    () -> raw(port, "POST", "/mcp", docsHost, RawHttp.INITIALIZE, bearer)
                            .status(),
                    200);

            reloading.rewrite(route, "");
            awaitStatus(
                    () -> raw(port, "POST", "/mcp", docsHost, RawHttp.INITIALIZE, bearer)
                            .status(),
                    404);
            assertThat(raw(port, "POST", "/docs/mcp", docsHost, RawHttp.INITIALIZE, bearer)
                            .status())
                    .isEqualTo(403);
        } finally {
            Closeables.closeAll(reloadBackend);
        }
    }

    private static Raw initializeOnHost(String token) {
        return raw(
                "POST",
                "/mcp",
                HOST + ":" + front.port(),
                RawHttp.INITIALIZE,
                Map.of("Authorization", "Bearer " + token));
    }

    private static void awaitStatus(java.util.function.IntSupplier status, int expected) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        int last = status.getAsInt();
        while (last != expected && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = status.getAsInt();
        }
        assertThat(last).isEqualTo(expected);
    }

    /** A response read off a raw socket: Java's HttpClient will not send a Host header of our choosing. */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static Raw raw(String method, String path, String host, String body, Map<String, String> headers) {
        return raw(front.port(), method, path, host, body, headers);
    }

    /** One HTTP/1.1 exchange on its own connection, {@code Connection: close}, the body read to the end. */
    private static Raw raw(
            int port, String method, String path, String host, String body, Map<String, String> headers) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            StringBuilder head =
                    new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                head.append("Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n")
                        .append("Content-Length: ")
                        .append(bytes.length)
                        .append("\r\n");
            }
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Raw parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        String rest = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        }
        return new Raw(status, headers, rest);
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(
                    chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
