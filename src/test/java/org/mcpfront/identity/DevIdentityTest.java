package org.mcpfront.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
@DisplayName("The dev sign-in takes the typed email address at its word, on a page that escapes what it shows")
class DevIdentityTest {

    private final DevIdentity dev = new DevIdentity(TestConfigs.dev(List.of("example.com")));
    private WebClient client;
    private int port;

    @BeforeEach
    void serve(Vertx vertx, VertxTestContext ctx) {
        Router router = Router.router(vertx);
        dev.mount(router);
        client = WebClient.create(vertx);
        vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .map(HttpServer::actualPort)
                .onComplete(ctx.succeeding(p -> {
                    port = p;
                    ctx.completeNow();
                }));
    }

    @Test
    @DisplayName("begin sends the browser to the dev page with the state in the query")
    void begin(VertxTestContext ctx) {
        dev.begin("a b&c")
                .onComplete(ctx.succeeding(start -> ctx.verify(() -> {
                    assertThat(start.redirectUrl()).startsWith(TestConfigs.ISSUER + "/oauth/dev?state=");
                    String query =
                            start.redirectUrl().substring(start.redirectUrl().indexOf("state=") + 6);
                    assertThat(URLDecoder.decode(query, StandardCharsets.UTF_8)).isEqualTo("a b&c");
                    assertThat(start.providerState().isEmpty()).isTrue();
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("the page holds the sign-in form that posts the state and the email to the callback")
    void form(VertxTestContext ctx) {
        get("/oauth/dev?state=abc123")
                .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.getHeader("Content-Type")).startsWith("text/html");
                    assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
                    String body = response.bodyAsString();
                    assertThat(body)
                            .contains("<title>Sign in (development)")
                            .contains("without a password")
                            .contains("<form method=\"post\" action=\"/oauth/callback\">")
                            .contains("<input type=\"hidden\" name=\"state\" value=\"abc123\">")
                            .contains("<input type=\"email\" id=\"email\" name=\"email\" required autofocus>")
                            .contains("<button type=\"submit\" class=\"primary\">Sign in</button>");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a state that holds markup is escaped, not rendered")
    void escapesState(VertxTestContext ctx) {
        get("/oauth/dev?state=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
                .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.bodyAsString())
                            .contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"")
                            .doesNotContain("<script>");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("the page without a state answers 400 with an explanation")
    void missingState(VertxTestContext ctx) {
        get("/oauth/dev")
                .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(400);
                    assertThat(response.bodyAsString()).contains("state").doesNotContain("<form");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a well-formed email signs in as a verified dev identity of its domain, lower-cased")
    void goodEmail(VertxTestContext ctx) {
        dev.finish(form("email", " Alice@Example.COM "), new JsonObject())
                .onComplete(ctx.succeeding(identity -> ctx.verify(() -> {
                    assertThat(identity)
                            .isEqualTo(new Identity(
                                    "dev:alice@example.com", "alice@example.com", true, "example.com", null));
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a missing or malformed email fails with a message for the person")
    void badEmail(VertxTestContext ctx) {
        List<MultiMap> bad = List.of(
                MultiMap.caseInsensitiveMultiMap(),
                form("email", ""),
                form("email", "alice"),
                form("email", "alice@"),
                form("email", "alice@example"),
                form("email", "a@b@example.com"),
                form("email", "<script>@example.com"));
        Checkpoint checkpoint = ctx.checkpoint(bad.size());
        for (MultiMap params : bad) {
            dev.finish(params, new JsonObject())
                    .onComplete(ctx.failing(e -> ctx.verify(() -> {
                        assertThat(e.getMessage())
                                .containsIgnoringCase("email address")
                                .contains("Go back");
                        checkpoint.flag();
                    })));
        }
    }

    @Test
    @DisplayName("identity: dev starts the dev sign-in, with nothing to discover")
    void providers(Vertx vertx, VertxTestContext ctx) {
        IdentityProviders.start(vertx, TestConfigs.dev(List.of("example.com")))
                .onComplete(ctx.succeeding(provider -> ctx.verify(() -> {
                    assertThat(provider).isInstanceOf(DevIdentity.class);
                    ctx.completeNow();
                })));
    }

    private Future<HttpResponse<Buffer>> get(String uri) {
        return client.get(port, "127.0.0.1", uri).send();
    }

    private static MultiMap form(String name, String value) {
        return MultiMap.caseInsensitiveMultiMap().add(name, value);
    }
}
