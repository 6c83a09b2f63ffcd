package org.mcpfront.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An MCP backend (Streamable HTTP, 2025 revisions, JSON answers) that checks who mcp-front says is calling and tells:
 * its one tool, {@code whoami}, answers with the claims it verified. On {@code /asserted/mcp} it verifies
 * mcp-front's identity assertion (header {@code X-MCP-Front-Identity}) with mcp-front's {@code /jwks.json}: ES256,
 * {@code typ mcp-front-identity+jwt}, our issuer, its own URL as audience. On {@code /google/mcp} it verifies a
 * Google ID token ({@code Authorization: Bearer}) with the stand-in Google's key and its origin as audience. A
 * request that does not verify gets HTTP 401. On {@code /recorded/mcp} it verifies nothing and its tool answers with
 * the {@code Authorization} header it got. Every request's credentials are recorded.
 */
public final class IdentityEchoBackend implements AutoCloseable {

    public static final String ASSERTION_HEADER = "X-MCP-Front-Identity";

    /** What one request carried. */
    public record Seen(String path, String method, String assertion, String authorization, Instant at) {}

    private final HttpServer server;
    private final DefaultJWTProcessor<SecurityContext> assertions = new DefaultJWTProcessor<>();
    private final DefaultJWTProcessor<SecurityContext> googleTokens = new DefaultJWTProcessor<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private IdentityEchoBackend(HttpServer server, RSAPublicKey googleKey) {
        this.server = server;
        googleTokens.setJWSKeySelector(new SingleKeyJWSKeySelector<>(JWSAlgorithm.RS256, googleKey));
        googleTokens.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(url(), null, Set.of("exp")));
    }

    /** Trusts assertions of the mcp-front at {@code frontIssuer}, whose keys it fetches from its {@code /jwks.json}. */
    public void trust(String frontIssuer) {
        try {
            JWKSource<SecurityContext> jwks = JWKSourceBuilder.create(
                            URI.create(frontIssuer + "/jwks.json").toURL())
                    .retrying(true)
                    .build();
            assertions.setJWSTypeVerifier(
                    new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("mcp-front-identity+jwt")));
            assertions.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, jwks));
            assertions.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    url() + "/asserted/mcp",
                    new JWTClaimsSet.Builder().issuer(frontIssuer).build(),
                    Set.of("sub", "iat", "exp", "jti", "route")));
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts; Google ID tokens must be signed with {@code googleKey}; see {@link #trust} for assertions. */
    public static IdentityEchoBackend start(RSAPublicKey googleKey) {
        try {
            HttpServer server =
                    HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()), 16);
            IdentityEchoBackend backend = new IdentityEchoBackend(server, googleKey);
            server.createContext("/", backend::handle);
            server.start();
            return backend;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Seen> seen(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String assertion = exchange.getRequestHeaders().getFirst(ASSERTION_HEADER);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonObject request =
                    raw.length == 0 ? new JsonObject() : new JsonObject(new String(raw, StandardCharsets.UTF_8));
            seen.add(new Seen(path, request.getString("method"), assertion, authorization, Instant.now()));
            JWTClaimsSet claims;
            try {
                claims = switch (path) {
                    case "/asserted/mcp" -> assertions.process(assertion, null);
                    case "/google/mcp" -> googleTokens.process(authorization.substring("Bearer ".length()), null);
                    // Verifies nothing: whoami answers with the Authorization header it got (a user's own token).
                    case "/recorded/mcp" ->
                        new JWTClaimsSet.Builder()
                                .claim("authorization", authorization)
                                .build();
                    default -> throw new IllegalArgumentException("no such endpoint");
                };
            } catch (Exception e) {
                send(exchange, 401, new JsonObject().put("error", "identity not verified: " + e.getMessage()));
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, new JsonObject());
                return;
            }
            if (!request.containsKey("id")) {
                exchange.sendResponseHeaders(202, -1);
                return;
            }
            exchange.getResponseHeaders().set("Mcp-Session-Id", "echo-" + UUID.randomUUID());
            send(
                    exchange,
                    200,
                    new JsonObject()
                            .put("jsonrpc", "2.0")
                            .put("id", request.getValue("id"))
                            .put("result", result(request, claims)));
        }
    }

    private static JsonObject result(JsonObject request, JWTClaimsSet claims) {
        return switch (String.valueOf(request.getString("method"))) {
            case "initialize" ->
                new JsonObject()
                        .put("protocolVersion", request.getJsonObject("params").getString("protocolVersion"))
                        .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                        .put(
                                "serverInfo",
                                new JsonObject().put("name", "identity-echo").put("version", "1"));
            case "tools/list" ->
                new JsonObject()
                        .put(
                                "tools",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("name", "whoami")
                                                .put("inputSchema", new JsonObject().put("type", "object"))));
            case "tools/call" ->
                new JsonObject()
                        .put(
                                "content",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("type", "text")
                                                .put("text", new JsonObject(claims.toJSONObject()).encode())));
            default -> new JsonObject();
        };
    }

    private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
