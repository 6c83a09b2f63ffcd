package org.mcpfront.oauth.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
@DisplayName("Client ID metadata documents are fetched safely, checked and cached")
class ClientMetadataDocumentsTest {

    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(200);
    /** Documents come from the test server on 127.0.0.1 over plain http. */
    private static final ClientMetadataDocuments.Policy LOOPBACK = new ClientMetadataDocuments.Policy(true);

    private HttpServer server;
    private String base;
    private final Map<String, Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private ClientMetadataDocuments documents;
    private ClientMetadataDocuments strict;

    @BeforeEach
    void serve(Vertx vertx, VertxTestContext ctx) {
        documents = new ClientMetadataDocuments(vertx, LOOPBACK);
        strict = new ClientMetadataDocuments(vertx, ClientMetadataDocuments.Policy.STRICT);
        server = vertx.createHttpServer()
                .connectionHandler(connection -> connections.incrementAndGet())
                .requestHandler(request -> {
                    hits.computeIfAbsent(request.path(), p -> new AtomicInteger())
                            .incrementAndGet();
                    routes.getOrDefault(
                                    request.path(),
                                    r -> r.response().setStatusCode(404).end())
                            .handle(request);
                });
        server.listen(0, "127.0.0.1").onComplete(ctx.succeeding(s -> {
            base = "http://127.0.0.1:" + s.actualPort();
            ctx.completeNow();
        }));
    }

    @AfterEach
    void stop(VertxTestContext ctx) {
        Future.all(documents.close(), strict.close(), server.close()).onComplete(ctx.succeedingThenComplete());
    }

    /** A valid document for {@code path}, served as JSON with the given extra headers. */
    private JsonObject document(String path) {
        return new JsonObject()
                .put("client_id", base + path)
                .put("client_name", "  Test Client  ")
                .put(
                        "redirect_uris",
                        new JsonArray().add("https://app.example/callback").add("http://127.0.0.1:3000/cb"))
                .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
                .put("token_endpoint_auth_method", "none");
    }

    private void serveJson(String path, JsonObject body, String... headers) {
        routes.put(path, request -> {
            var response = request.response().putHeader("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                response.putHeader(headers[i], headers[i + 1]);
            }
            response.end(body.encode());
        });
    }

    private int hits(String path) {
        return hits.getOrDefault(path, new AtomicInteger()).get();
    }

    private void assertRefused(
            VertxTestContext ctx, ClientMetadataDocuments resolver, String url, String reason, Runnable alsoCheck) {
        resolver.resolve(url)
                .onComplete(ctx.failing(e -> ctx.verify(() -> {
                    assertThat(e).isInstanceOf(ClientMetadataException.class);
                    assertThat(e.getMessage()).contains(url.length() > 200 ? "..." : url);
                    assertThat(((ClientMetadataException) e).reason()).contains(reason);
                    alsoCheck.run();
                    ctx.completeNow();
                })));
    }

    private static String reason(Throwable e) {
        assertThat(e).isInstanceOf(ClientMetadataException.class);
        return ((ClientMetadataException) e).reason();
    }

    private void assertRefused(VertxTestContext ctx, String path, String reason) {
        assertRefused(ctx, documents, base + path, reason, () -> {});
    }

    @Test
    @DisplayName("a good document becomes a public client named by the document")
    void goodDocument(VertxTestContext ctx) {
        serveJson("/good", document("/good"));
        documents
                .resolve(base + "/good")
                .onComplete(ctx.succeeding(client -> ctx.verify(() -> {
                    assertThat(client)
                            .isEqualTo(new RegisteredClient(
                                    base + "/good",
                                    "Test Client",
                                    List.of("https://app.example/callback", "http://127.0.0.1:3000/cb"),
                                    "none",
                                    null,
                                    true));
                    assertThat(client.isPublic()).isTrue();
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a +json content type and a long client name are accepted, the name cut to 200 characters")
    void jsonSuffixAndLongName(VertxTestContext ctx) {
        routes.put(
                "/long",
                request -> request.response()
                        .putHeader("Content-Type", "application/vnd.example+json; charset=utf-8")
                        .end(document("/long")
                                .put("client_name", "n".repeat(500))
                                .encode()));
        documents
                .resolve(base + "/long")
                .onComplete(ctx.succeeding(client -> ctx.verify(() -> {
                    assertThat(client.clientName()).hasSize(200);
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a document whose client_id is not exactly its URL is refused")
    void clientIdMismatch(VertxTestContext ctx) {
        serveJson("/mismatch", document("/mismatch").put("client_id", base + "/mismatch/"));
        assertRefused(ctx, "/mismatch", "client_id is not exactly the URL");
    }

    @Test
    @DisplayName("a document without redirect_uris is refused")
    void missingRedirectUris(VertxTestContext ctx) {
        JsonObject document = document("/none");
        document.remove("redirect_uris");
        serveJson("/none", document);
        assertRefused(ctx, "/none", "redirect_uris is missing or empty");
    }

    @Test
    @DisplayName("a document with an empty redirect_uris is refused")
    void emptyRedirectUris(VertxTestContext ctx) {
        serveJson("/empty", document("/empty").put("redirect_uris", new JsonArray()));
        assertRefused(ctx, "/empty", "redirect_uris is missing or empty");
    }

    @Test
    @DisplayName("a redirect URI over plain http to another machine is refused")
    void badRedirectScheme(VertxTestContext ctx) {
        serveJson(
                "/scheme",
                document("/scheme")
                        .put(
                                "redirect_uris",
                                new JsonArray().add("https://app.example/cb").add("http://app.example/cb")));
        assertRefused(ctx, "/scheme", "redirect_uris[1] must use https");
    }

    @Test
    @DisplayName("a redirect URI with a fragment is refused")
    void redirectFragment(VertxTestContext ctx) {
        serveJson(
                "/fragment",
                document("/fragment").put("redirect_uris", new JsonArray().add("https://app.example/cb#x")));
        assertRefused(ctx, "/fragment", "redirect_uris[0] has a fragment");
    }

    @Test
    @DisplayName("a client secret auth method is refused: a public document cannot hold a secret")
    void secretAuthMethod(VertxTestContext ctx) {
        serveJson("/secret", document("/secret").put("token_endpoint_auth_method", "client_secret_basic"));
        assertRefused(ctx, "/secret", "client_secret_basic needs a client secret");
    }

    @Test
    @DisplayName("private_key_jwt is refused as not supported yet")
    void privateKeyJwt(VertxTestContext ctx) {
        serveJson("/jwt", document("/jwt").put("token_endpoint_auth_method", "private_key_jwt"));
        assertRefused(ctx, "/jwt", "private_key_jwt is not supported yet");
    }

    @Test
    @DisplayName("grant_types without authorization_code is refused")
    void grantTypes(VertxTestContext ctx) {
        serveJson("/grants", document("/grants").put("grant_types", new JsonArray().add("client_credentials")));
        assertRefused(ctx, "/grants", "grant_types does not include authorization_code");
    }

    @Test
    @DisplayName("a document served as text/plain is refused")
    void wrongContentType(VertxTestContext ctx) {
        routes.put(
                "/text",
                request -> request.response()
                        .putHeader("Content-Type", "text/plain")
                        .end(document("/text").encode()));
        assertRefused(ctx, "/text", "it must be application/json");
    }

    @Test
    @DisplayName("a body over 64 KiB is refused while it streams, without a Content-Length")
    void tooLarge(VertxTestContext ctx) {
        routes.put("/huge", request -> {
            var response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
            String chunk = " ".repeat(16 * 1024);
            for (int i = 0; i < 6; i++) {
                response.write(chunk);
            }
            response.end(document("/huge").encode());
        });
        assertRefused(ctx, "/huge", "larger than 64 KiB");
    }

    @Test
    @DisplayName("a server that never answers fails after the timeout")
    void silentServer(Vertx vertx, VertxTestContext ctx) {
        routes.put("/silent", request -> {});
        ClientMetadataDocuments impatient = new ClientMetadataDocuments(vertx, LOOPBACK, SHORT_TIMEOUT);
        long start = System.nanoTime();
        impatient
                .resolve(base + "/silent")
                .onComplete(ctx.failing(e -> ctx.verify(() -> {
                    assertThat(reason(e)).isEqualTo("timed out after 200 ms");
                    // Well before the default timeout would have ended it, with room for a loaded machine.
                    assertThat(Duration.ofNanos(System.nanoTime() - start))
                            .isLessThan(ClientMetadataDocuments.FETCH_TIMEOUT);
                    impatient.close().onComplete(ctx.succeedingThenComplete());
                })));
    }

    @Test
    @DisplayName("a redirect is not followed")
    void redirectNotFollowed(VertxTestContext ctx) {
        serveJson("/good", document("/good"));
        routes.put(
                "/moved",
                request -> request.response()
                        .setStatusCode(302)
                        .putHeader("Location", base + "/good")
                        .end());
        assertRefused(
                ctx,
                documents,
                base + "/moved",
                "redirect (HTTP 302)",
                () -> assertThat(hits("/good")).isZero());
    }

    @Test
    @DisplayName("a port where nobody listens gives a connection failure")
    void nobodyListening(Vertx vertx, VertxTestContext ctx) {
        vertx.createHttpServer()
                .requestHandler(r -> {})
                .listen(0, "127.0.0.1")
                .compose(closed -> closed.close().map(closed.actualPort()))
                .compose(port -> documents
                        .resolve("http://127.0.0.1:" + port + "/gone")
                        .map(client -> "resolved")
                        .otherwise(ClientMetadataDocumentsTest::reason))
                .onComplete(ctx.succeeding(message -> ctx.verify(() -> {
                    assertThat(message).isEqualTo("the connection was refused or could not be made");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a 404 is refused")
    void notFound(VertxTestContext ctx) {
        assertRefused(ctx, "/nothing-here", "HTTP 404");
    }

    @Test
    @DisplayName("https connects to the checked address but uses the name for Host, SNI and the certificate check")
    @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
    void tlsUsesTheName(Vertx vertx, VertxTestContext ctx) {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        // The JDK leaves SNI out for a dotless name such as localhost; forcing it shows which name would go.
        // A generous timeout: two TLS handshakes on a loaded two-core machine took longer than 5 s.
        ClientMetadataDocuments trusting = new ClientMetadataDocuments(
                vertx,
                LOOPBACK,
                Duration.ofSeconds(30),
                new HttpClientOptions()
                        .setTrustOptions(certificate.trustOptions())
                        .setForceSni(true));
        Map<String, String> seen = new ConcurrentHashMap<>();
        HttpServer tls = vertx.createHttpServer(
                new HttpServerOptions().setSsl(true).setSni(true).setKeyCertOptions(certificate.keyCertOptions()));
        tls.requestHandler(request -> {
            seen.put("sni", String.valueOf(request.connection().indicatedServerName()));
            seen.put("host", String.valueOf(request.authority()));
            String url = "https://localhost:" + tls.actualPort() + "/tls";
            request.response()
                    .putHeader("Content-Type", "application/json")
                    .end(document("/tls").put("client_id", url).encode());
        });
        tls.listen(0, "127.0.0.1")
                .compose(s -> trusting.resolve("https://localhost:" + s.actualPort() + "/tls")
                        .compose(client -> trusting.resolve("https://127.0.0.1:" + s.actualPort() + "/tls")
                                .map(unexpected -> "resolved")
                                .otherwise(Throwable::getMessage)
                                .map(mismatch -> {
                                    ctx.verify(() -> {
                                        assertThat(client.clientId())
                                                .isEqualTo("https://localhost:" + s.actualPort() + "/tls");
                                        assertThat(seen)
                                                .containsEntry("sni", "localhost")
                                                .containsEntry("host", "localhost:" + s.actualPort());
                                        // The certificate names localhost only, so an IP URL fails the host check.
                                        assertThat(mismatch).contains("the TLS handshake failed");
                                    });
                                    return client;
                                })))
                .eventually(() -> Future.all(trusting.close(), tls.close()))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("a document with max-age is served from the cache the second time")
    void cachedByMaxAge(VertxTestContext ctx) {
        serveJson("/cached", document("/cached"), "Cache-Control", "public, max-age=60");
        documents
                .resolve(base + "/cached")
                .compose(first -> documents.resolve(base + "/cached"))
                .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
                    assertThat(second.clientId()).isEqualTo(base + "/cached");
                    assertThat(hits("/cached")).isEqualTo(1);
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a no-store document is fetched again every time")
    void noStore(VertxTestContext ctx) {
        serveJson("/fresh", document("/fresh"), "Cache-Control", "no-store");
        documents
                .resolve(base + "/fresh")
                .compose(first -> documents.resolve(base + "/fresh"))
                .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
                    assertThat(hits("/fresh")).isEqualTo(2);
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a failure is not cached")
    void failureNotCached(VertxTestContext ctx) {
        documents
                .resolve(base + "/later")
                .recover(e -> {
                    serveJson("/later", document("/later"));
                    return documents.resolve(base + "/later");
                })
                .onComplete(ctx.succeeding(client -> ctx.verify(() -> {
                    assertThat(hits("/later")).isEqualTo(2);
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("concurrent resolves of one URL share one fetch")
    void singleFlight(VertxTestContext ctx) {
        serveJson("/shared", document("/shared"), "Cache-Control", "no-store");
        Future.all(
                        documents.resolve(base + "/shared"),
                        documents.resolve(base + "/shared"),
                        documents.resolve(base + "/shared"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertThat(hits("/shared")).isEqualTo(1);
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("strict: plain http to 127.0.0.1 is refused without connecting")
    void strictHttp(VertxTestContext ctx) {
        serveJson("/good", document("/good"));
        assertRefused(
                ctx,
                strict,
                base + "/good",
                "it must use https",
                () -> assertThat(connections.get()).isZero());
    }

    @Test
    @DisplayName("strict: https to 127.0.0.1 is refused by the address check, before any connection")
    void strictLoopbackAddress(VertxTestContext ctx) {
        String url = base.replace("http://", "https://") + "/good";
        assertRefused(
                ctx,
                strict,
                url,
                "resolves to a loopback address (127.0.0.1)",
                () -> assertThat(connections.get()).isZero());
    }

    @Test
    @DisplayName("strict: localhost is refused by the address check")
    void strictLocalhost(VertxTestContext ctx) {
        assertRefused(ctx, strict, "https://localhost/x", "resolves to a loopback address", () -> {});
    }

    @Test
    @DisplayName("strict: a private address is refused")
    void strictPrivate(VertxTestContext ctx) {
        assertRefused(ctx, strict, "https://10.0.0.1/x", "resolves to a private address (10.0.0.1)", () -> {});
    }

    @Test
    @DisplayName("strict: the cloud metadata server's link-local address is refused")
    void strictMetadataServer(VertxTestContext ctx) {
        assertRefused(ctx, strict, "https://169.254.169.254/x", "resolves to a link-local address", () -> {});
    }

    @Test
    @DisplayName("strict: a carrier-grade NAT address is refused")
    void strictCgnat(VertxTestContext ctx) {
        assertRefused(ctx, strict, "https://100.64.1.2/x", "resolves to a carrier-grade NAT address", () -> {});
    }

    @Test
    @DisplayName("strict: IPv6 loopback is refused")
    void strictIpv6Loopback(VertxTestContext ctx) {
        assertRefused(ctx, strict, "https://[::1]/x", "resolves to a loopback address", () -> {});
    }

    @Test
    @DisplayName("strict: IPv6 unique local and IPv4-mapped private addresses are refused")
    void strictIpv6Private(VertxTestContext ctx) {
        strict.resolve("https://[fd00::1]/x")
                .onComplete(ctx.failing(ula -> ctx.verify(() -> {
                    assertThat(reason(ula)).contains("a unique local address");
                    strict.resolve("https://[::ffff:192.168.1.1]/x")
                            .onComplete(ctx.failing(mapped -> ctx.verify(() -> {
                                assertThat(reason(mapped)).contains("a private address (192.168.1.1)");
                                ctx.completeNow();
                            })));
                })));
    }

    @Test
    @DisplayName("strict: a name that does not resolve and an internal address get the same message; the log keeps why")
    void oneMessageForUnreachableHosts(VertxTestContext ctx) {
        Future.all(List.of(
                        strict.resolve("https://no-such-host.invalid/x")
                                .<Object>map(c -> c)
                                .otherwise(e -> e),
                        strict.resolve("https://10.0.0.1/x").<Object>map(c -> c).otherwise(e -> e)))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    ClientMetadataException unresolved = all.resultAt(0);
                    ClientMetadataException internal = all.resultAt(1);
                    assertThat(unresolved.getMessage().replace("no-such-host.invalid", "HOST"))
                            .isEqualTo(internal.getMessage().replace("10.0.0.1", "HOST"))
                            .contains("no public server answered for its host");
                    assertThat(unresolved.reason()).isEqualTo("its host name does not resolve");
                    assertThat(internal.reason()).isEqualTo("its host resolves to a private address (10.0.0.1)");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("strict: a URL with a fragment is refused")
    void strictFragment(VertxTestContext ctx) {
        assertRefused(ctx, strict, "https://127.0.0.1/x#frag", "it has a fragment", () -> {});
    }

    @Test
    @DisplayName("URLs without a path, with user info or with dot segments are refused before any lookup")
    void urlShape(VertxTestContext ctx) {
        Future.all(List.of(
                        outcome("https://127.0.0.1/"),
                        outcome("https://u:p@127.0.0.1/x"),
                        outcome("https://127.0.0.1/a/../x"),
                        outcome("https://127.0.0.1/a/%2E%2e/x"),
                        outcome("https://127.0.0.1/" + "a".repeat(2048)),
                        outcome("https://127.0.0.1/x\r\nforged: log line")))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    assertThat(all.<Object>list())
                            .satisfiesExactly(
                                    m -> assertThat(m).asString().contains("it has no path"),
                                    m -> assertThat(m).asString().contains("it has user info"),
                                    m -> assertThat(m).asString().contains("a . or .. segment"),
                                    m -> assertThat(m).asString().contains("a . or .. segment"),
                                    m -> assertThat(m).asString().contains("longer than 2048 characters"),
                                    m -> assertThat(m)
                                            .asString()
                                            .contains("/x??forged")
                                            .contains("not a valid URL"));
                    assertThat(connections.get()).isZero();
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("cache lifetimes follow max-age, Expires and no-cache, capped at a day")
    void lifetimes() {
        Instant now = Instant.parse("2025-11-25T12:00:00Z");
        assertThat(MetadataDocumentCache.lifetime(headers(), now)).contains(Duration.ofMinutes(5));
        assertThat(MetadataDocumentCache.lifetime(headers("Cache-Control", "max-age=120"), now))
                .contains(Duration.ofSeconds(120));
        assertThat(MetadataDocumentCache.lifetime(headers("Cache-Control", "max-age=9999999"), now))
                .contains(Duration.ofHours(24));
        assertThat(MetadataDocumentCache.lifetime(headers("Cache-Control", "no-cache, max-age=60"), now))
                .isEmpty();
        assertThat(MetadataDocumentCache.lifetime(headers("Cache-Control", "max-age=0"), now))
                .isEmpty();
        assertThat(MetadataDocumentCache.lifetime(headers("Expires", "Tue, 25 Nov 2025 12:10:00 GMT"), now))
                .contains(Duration.ofMinutes(10));
        assertThat(MetadataDocumentCache.lifetime(
                        headers("Expires", "Tue, 25 Nov 2025 12:10:00 GMT", "Date", "Tue, 25 Nov 2025 12:09:00 GMT"),
                        now))
                .contains(Duration.ofMinutes(1));
        assertThat(MetadataDocumentCache.lifetime(headers("Expires", "0"), now)).isEmpty();
        assertThat(MetadataDocumentCache.lifetime(
                        headers("Expires", "Tue, 25 Nov 2025 12:10:00 GMT", "Cache-Control", "max-age=30"), now))
                .contains(Duration.ofSeconds(30));
    }

    private static MultiMap headers(String... namesAndValues) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    /** The failure message of a strict resolve, so that several can be checked together. */
    private Future<String> outcome(String url) {
        return strict.resolve(url).map(client -> "unexpectedly resolved").otherwise(Throwable::getMessage);
    }

    @Test
    @DisplayName("only https URLs are taken for metadata documents")
    void isMetadataUrl() {
        assertThat(ClientMetadataDocuments.isMetadataUrl("https://claude.ai/oauth/mcp-oauth-client-metadata"))
                .isTrue();
        assertThat(ClientMetadataDocuments.isMetadataUrl("3f1c0e2a-registered")).isFalse();
        assertThat(ClientMetadataDocuments.isMetadataUrl("http://example.com/x"))
                .isFalse();
        assertThat(ClientMetadataDocuments.isMetadataUrl(null)).isFalse();
    }
}
