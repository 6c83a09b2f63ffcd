package org.mcpfront.config.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mcpfront.config.Configs.httpRoute;
import static org.mcpfront.config.Configs.section;
import static org.mcpfront.config.Configs.withRoutes;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.BusCodec;
import org.mcpfront.config.ConfigDiff;
import org.mcpfront.config.Configs;
import org.mcpfront.config.FrontConfig;
import org.slf4j.LoggerFactory;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
@DisplayName("The config verticle applies valid edits of the file and keeps the running config otherwise")
class ConfigVerticleTest {

    private static final Duration POLL = Duration.ofMillis(50);
    /** Ten scans: long enough for anything that would happen to have happened. */
    private static final long QUIET_MS = 10 * POLL.toMillis();

    private static final String START = withRoutes(httpRoute("/a"), httpRoute("/b"));
    /** Removes /b, adds /c and changes /a's timeout. */
    private static final String EDIT =
            withRoutes("{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", timeout: 1m}", httpRoute("/c"));

    private static final String INVALID =
            withRoutes("{path: /a, type: http, backend: \"http://127.0.0.1:3001/mcp\", timeout: 5x}");

    @TempDir
    Path dir;

    private Path file;
    private FrontConfig initial;
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
        }
    };

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext ctx) throws Exception {
        file = dir.resolve("mcp-front.yaml");
        Files.writeString(file, START);
        initial = Configs.parse(START);
        capture.start();
        logger().addAppender(capture);
        // McpFront registers the codecs of bus messages before deploying anything; so does this test.
        BusCodec.register(vertx);
        vertx.deployVerticle(new ConfigVerticle(file, Map.of(), initial, POLL))
                .onComplete(ctx.succeedingThenComplete());
    }

    @AfterEach
    void stopCapture() {
        logger().detachAppender(capture);
    }

    @Test
    @DisplayName("a valid edit publishes the new config, its diff shows the edit, and the diff is logged")
    void publishesAValidEdit(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(vertx, config -> {
            ctx.verify(() -> {
                ConfigDiff diff = ConfigDiff.between(initial, config);
                assertThat(diff.added()).containsExactly("/c");
                assertThat(diff.removed()).containsExactly("/b");
                assertThat(diff.changed()).containsExactly("/a");
                assertThat(config.route("/a").orElseThrow().sessions().idleTimeout())
                        .isEqualTo(Duration.ofMinutes(1));
            });
            // The reload is logged before it is published.
            ctx.verify(() -> assertThat(infos("configuration reloaded"))
                    .singleElement()
                    .extracting(event -> event.getKeyValuePairs().toString())
                    .asString()
                    .contains("added=\"/c\"", "removed=\"/b\"", "changed=\"/a\""));
            ctx.completeNow();
        });

        replace(EDIT);
    }

    @Test
    @DisplayName("an invalid edit is logged once with its problems, and nothing is published")
    void rejectsAnInvalidEdit(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(vertx, config -> ctx.failNow("an invalid edit was published"));

        replace(INVALID);
        awaitWarning("config edit rejected");

        // Further scans of the same bad file neither publish nor log again.
        vertx.setTimer(
                QUIET_MS,
                id -> ctx.verify(() -> {
                    assertThat(warnings("config edit rejected"))
                            .singleElement()
                            .extracting(ILoggingEvent::getFormattedMessage)
                            .asString()
                            .contains("routes[0].timeout: \"5x\" is not a duration");
                    ctx.completeNow();
                }));
    }

    @Test
    @DisplayName("after an invalid edit the old config stays, and the next valid edit is published against it")
    void appliesAValidEditAfterAnInvalidOne(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(
                vertx,
                config -> ctx.verify(() -> {
                    assertThat(warnings("config edit rejected")).hasSize(1);
                    ConfigDiff diff = ConfigDiff.between(initial, config);
                    assertThat(diff.added()).containsExactly("/c");
                    assertThat(diff.removed()).containsExactly("/b");
                    ctx.completeNow();
                }));

        replace(INVALID);
        awaitWarning("config edit rejected");
        replace(EDIT);
    }

    @Test
    @DisplayName("an editor's save that renames a new file over the old one is applied")
    void appliesARenameReplace(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(
                vertx,
                config -> ctx.verify(() -> {
                    assertThat(ConfigDiff.between(initial, config).added()).containsExactly("/c");
                    ctx.completeNow();
                }));

        Path next = dir.resolve("mcp-front.yaml.swp");
        Files.writeString(next, EDIT);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    @DisplayName("a file that is gone for a while is not a removal: the config stays until the file is back")
    void waitsForAMissingFile(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(
                vertx,
                config -> ctx.verify(() -> {
                    assertThat(warnings("config file is missing")).hasSize(1);
                    assertThat(ConfigDiff.between(initial, config).added()).containsExactly("/c");
                    ctx.completeNow();
                }));

        Files.delete(file);
        awaitWarning("config file is missing");
        Thread.sleep(QUIET_MS);
        Files.writeString(file, EDIT);
    }

    @Test
    @DisplayName("start-up settings keep their running values and are logged as needing a restart; the rest applies")
    void keepsStartupSettings(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(
                vertx,
                config -> ctx.verify(() -> {
                    assertThat(config.server().port()).isEqualTo(8080);
                    assertThat(config.server().sseKeepAlive()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(config.cluster()).isEqualTo(initial.cluster());
                    assertThat(ConfigDiff.between(initial, config).added()).containsExactly("/c");
                    assertThat(warnings("needs a restart"))
                            .singleElement()
                            .extracting(ILoggingEvent::getFormattedMessage)
                            .asString()
                            .contains("server.port", "server.host");
                    ctx.completeNow();
                }));

        replace(withRoutes(httpRoute("/a"), httpRoute("/b"), httpRoute("/c"))
                + section("server", "host: localhost", "port: 9999", "sse_keepalive: 10s"));
    }

    @Test
    @DisplayName(
            "who may sign in reloads; the issuer and token lifetimes keep their running values and ask for a restart")
    void oauthReload(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(
                vertx,
                config -> ctx.verify(() -> {
                    assertThat(config.oauth().allowedDomains()).containsExactly("example.com", "example.org");
                    assertThat(config.oauth().issuer())
                            .isEqualTo(initial.oauth().issuer());
                    assertThat(config.oauth().tokenTtl())
                            .isEqualTo(initial.oauth().tokenTtl());
                    assertThat(warnings("needs a restart"))
                            .singleElement()
                            .extracting(ILoggingEvent::getFormattedMessage)
                            .asString()
                            .contains("oauth.issuer", "oauth.token_ttl")
                            .doesNotContain("allowed_domains");
                    ctx.completeNow();
                }));

        replace(START.replace(
                        "allowed_domains: [example.com]",
                        "allowed_domains: [example.com, example.org]\n  token_ttl: 5m")
                .replace("http://localhost:8080", "http://127.0.0.1:8080"));
    }

    @Test
    @DisplayName("an edit that changes nothing, such as a new comment, publishes nothing")
    void ignoresEquivalentEdits(Vertx vertx, VertxTestContext ctx) throws Exception {
        onConfigChanged(vertx, config -> ctx.failNow("an unchanged config was published"));

        replace("# routes reviewed on Monday\n" + START);

        vertx.setTimer(
                QUIET_MS,
                id -> ctx.verify(() -> {
                    assertThat(events).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
                    ctx.completeNow();
                }));
    }

    private void onConfigChanged(Vertx vertx, Handler<FrontConfig> handler) throws Exception {
        vertx.eventBus()
                .<FrontConfig>localConsumer(Addresses.CONFIG_CHANGED, message -> handler.handle(message.body()))
                .completion()
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    /** Writes the whole file at once (new file, then rename), so that no scan sees half of it. */
    private void replace(String yaml) throws IOException {
        Path next = dir.resolve("next.yaml");
        Files.writeString(next, yaml);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void awaitWarning(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (warnings(fragment).isEmpty()) {
            assertThat(System.nanoTime())
                    .as("waiting for a warning with \"%s\"", fragment)
                    .isLessThan(deadline);
            Thread.sleep(POLL.toMillis() / 2);
        }
    }

    private List<ILoggingEvent> warnings(String fragment) {
        return logged(Level.WARN, fragment);
    }

    private List<ILoggingEvent> infos(String fragment) {
        return logged(Level.INFO, fragment);
    }

    private List<ILoggingEvent> logged(Level level, String fragment) {
        return events.stream()
                .filter(event ->
                        event.getLevel() == level && event.getFormattedMessage().contains(fragment))
                .toList();
    }

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger(ConfigVerticle.class);
    }
}
