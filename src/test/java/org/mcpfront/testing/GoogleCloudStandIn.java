package org.mcpfront.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Google Cloud as far as mcp-front's own credentials reach it, on one loopback port (a JDK HTTP server: there is no
 * real metadata server, token endpoint, Cloud Resource Manager or Directory API to run in a test):
 * <ul>
 *   <li>the GCE metadata server: {@code /computeMetadata/v1/instance/service-accounts/default/token} and
 *       {@code .../identity?audience=&format=full}, only with {@code Metadata-Flavor: Google};</li>
 *   <li>Google's OAuth token endpoint ({@code /token}) for service-account keys: checks the assertion's signature
 *       with the key it made ({@link #serviceAccountKeyJson()}), answers access tokens and, for a
 *       {@code target_audience}, ID tokens;</li>
 *   <li>Cloud Resource Manager's {@code POST /v3/projects/<p>:getIamPolicy} with the policy the test sets;</li>
 *   <li>the Directory API's {@code GET /admin/directory/v1/groups?userKey=} with the groups the test sets,
 *       answered only to a token delegated to the admin the test names.</li>
 * </ul>
 * ID tokens are RS256 JWTs of the stand-in's own key with the lifetime the test sets; their {@code aud} is the
 * audience asked for. Every request is recorded.
 */
public final class GoogleCloudStandIn implements AutoCloseable {

    public static final String SERVICE_ACCOUNT = "mcp-front@test-project.iam.gserviceaccount.com";

    /** One request as the stand-in saw it. */
    public record Seen(String method, String path, Map<String, String> query, String authorization) {}

    private final HttpServer server;
    private final RSAKey googleKey;
    private final RSAKey serviceAccountKey;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, List<String>> groups = new ConcurrentHashMap<>();
    private volatile JsonObject policy = new JsonObject().put("bindings", new JsonArray());
    private volatile String project = "test-project";
    private volatile Duration idTokenLifetime = Duration.ofHours(1);
    private volatile String workspaceAdmin = "admin@example.com";

    private GoogleCloudStandIn(HttpServer server) {
        this.server = server;
        try {
            this.googleKey = new RSAKeyGenerator(2048).keyID("google-stand-in").generate();
            this.serviceAccountKey = new RSAKeyGenerator(2048).keyID("sa-key-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GoogleCloudStandIn start() {
        try {
            HttpServer server =
                    HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.next()), 16);
            GoogleCloudStandIn standIn = new GoogleCloudStandIn(server);
            server.createContext("/", standIn::handle);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The project whose IAM policy {@link #setPolicy} sets. */
    public void setProject(String name) {
        this.project = name;
    }

    /** The IAM policy: role → members ({@code user:a@x}, {@code group:g@x}, {@code domain:x}). */
    public void setPolicy(Map<String, List<String>> bindings) {
        JsonArray array = new JsonArray();
        bindings.forEach((role, members) ->
                array.add(new JsonObject().put("role", role).put("members", new JsonArray(members))));
        this.policy = new JsonObject().put("version", 3).put("etag", "BwX=").put("bindings", array);
    }

    /**
     * Adds a binding of {@code role} to {@code members} that holds only under an IAM condition (a CEL
     * {@code expression}), as a policy of version 3 carries it.
     */
    public void addConditionalBinding(String role, List<String> members, String expression) {
        JsonObject condition = new JsonObject().put("title", "conditional").put("expression", expression);
        policy.getJsonArray("bindings")
                .add(new JsonObject()
                        .put("role", role)
                        .put("members", new JsonArray(members))
                        .put("condition", condition));
    }

    /** The Workspace groups (emails) of {@code user}, or of the group {@code user} (its parent groups). */
    public void setGroups(String user, List<String> groupEmails) {
        groups.put(user, List.copyOf(groupEmails));
    }

    public void setWorkspaceAdmin(String admin) {
        this.workspaceAdmin = admin;
    }

    public void setIdTokenLifetime(Duration lifetime) {
        this.idTokenLifetime = lifetime;
    }

    /** The requests seen so far whose path starts with {@code prefix}. */
    public List<Seen> seen(String prefix) {
        return seen.stream().filter(s -> s.path().startsWith(prefix)).toList();
    }

    /** The public key that verifies the ID tokens this stand-in issues. */
    public RSAPublicKey googlePublicKey() {
        try {
            return googleKey.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A service-account key file for this stand-in's token endpoint. */
    public String serviceAccountKeyJson() {
        try {
            byte[] pkcs8 = serviceAccountKey.toRSAPrivateKey().getEncoded();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
            return new JsonObject()
                    .put("type", "service_account")
                    .put("project_id", project)
                    .put("private_key_id", serviceAccountKey.getKeyID())
                    .put("private_key", pem)
                    .put("client_email", SERVICE_ACCOUNT)
                    .put("token_uri", url() + "/token")
                    .encodePrettily();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            Map<String, String> query = query(uri.getRawQuery());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String path = uri.getPath();
            seen.add(new Seen(exchange.getRequestMethod(), path, query, authorization));
            if (path.startsWith("/computeMetadata/")) {
                metadata(exchange, path, query);
            } else if (path.equals("/token")) {
                tokenEndpoint(exchange, query(body));
            } else if (path.startsWith("/v3/projects/") && path.endsWith(":getIamPolicy")) {
                iamPolicy(exchange, path, authorization);
            } else if (path.equals("/admin/directory/v1/groups")) {
                directory(exchange, query, authorization);
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        }
    }

    private void metadata(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        if (!"Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"))) {
            send(exchange, 403, "text/plain", "Missing Metadata-Flavor:Google header");
            return;
        }
        String base = "/computeMetadata/v1/instance/service-accounts/default/";
        if (path.equals(base + "token")) {
            send(exchange, 200, "application/json", accessToken("metadata").encode());
        } else if (path.equals(base + "identity")
                && query.get("audience") != null
                && "full".equals(query.get("format"))) {
            send(exchange, 200, "text/plain", idToken(query.get("audience")));
        } else {
            send(exchange, 404, "text/plain", "not found");
        }
    }

    private void tokenEndpoint(HttpExchange exchange, Map<String, String> form) throws IOException {
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            send(exchange, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        JWTClaimsSet claims;
        try {
            SignedJWT assertion = SignedJWT.parse(form.get("assertion"));
            if (!assertion.verify(new RSASSAVerifier(serviceAccountKey.toRSAPublicKey()))) {
                send(
                        exchange,
                        400,
                        "application/json",
                        "{\"error\":\"invalid_grant\",\"error_description\":\"bad signature\"}");
                return;
            }
            claims = assertion.getJWTClaimsSet();
        } catch (Exception e) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        if (!SERVICE_ACCOUNT.equals(claims.getIssuer()) || !claims.getAudience().contains(url() + "/token")) {
            send(
                    exchange,
                    400,
                    "application/json",
                    "{\"error\":\"invalid_grant\",\"error_description\":\"iss or aud\"}");
            return;
        }
        Object target = claims.getClaim("target_audience");
        if (target != null) {
            send(
                    exchange,
                    200,
                    "application/json",
                    new JsonObject().put("id_token", idToken(target.toString())).encode());
            return;
        }
        String subject = claims.getSubject();
        send(
                exchange,
                200,
                "application/json",
                accessToken(subject == null ? "sa" : "delegated:" + subject).encode());
    }

    private JsonObject accessToken(String who) {
        String token = "ya29." + UUID.randomUUID();
        accessTokens.put(token, who);
        return new JsonObject()
                .put("access_token", token)
                .put("expires_in", 3599)
                .put("token_type", "Bearer");
    }

    private String idToken(String audience) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("https://accounts.google.com")
                .audience(audience)
                .subject("1234567890")
                .claim("email", SERVICE_ACCOUNT)
                .claim("email_verified", true)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(idTokenLifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(googleKey.getKeyID())
                        .build(),
                claims);
        try {
            jwt.sign(new RSASSASigner(googleKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private void iamPolicy(HttpExchange exchange, String path, String authorization) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod()) || whose(authorization) == null) {
            send(exchange, 401, "application/json", "{\"error\":{\"code\":401}}");
            return;
        }
        if (!path.equals("/v3/projects/" + project + ":getIamPolicy")) {
            send(exchange, 403, "application/json", "{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\"}}");
            return;
        }
        send(exchange, 200, "application/json", policy.encode());
    }

    private void directory(HttpExchange exchange, Map<String, String> query, String authorization) throws IOException {
        if (!("delegated:" + workspaceAdmin).equals(whose(authorization))) {
            send(exchange, 403, "application/json", "{\"error\":{\"code\":403,\"message\":\"Not Authorized\"}}");
            return;
        }
        List<String> found = groups.get(query.getOrDefault("userKey", ""));
        if (found == null) {
            send(
                    exchange,
                    404,
                    "application/json",
                    "{\"error\":{\"code\":404,\"message\":\"Resource Not Found: userKey\"}}");
            return;
        }
        JsonArray array = new JsonArray();
        found.forEach(g ->
                array.add(new JsonObject().put("kind", "admin#directory#group").put("email", g)));
        send(
                exchange,
                200,
                "application/json",
                new JsonObject()
                        .put("kind", "admin#directory#groups")
                        .put("groups", array)
                        .encode());
    }

    private String whose(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        return accessTokens.get(authorization.substring("Bearer ".length()));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The claims of a JWT, unverified: for assertions about what a test received. */
    public static JsonObject claimsOf(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
