package org.mcpfront.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.BusCodec;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.session.Backend;
import org.mcpfront.session.BackendListener;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * The supervisor on its own, with a fake backend (no process, no network): its limits, the start
 * back-off of a stdio route whose command fails, and the end of a removed route's sessions.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("The supervisor")
class SupervisorVerticleTest {

    private static final SessionOwner ALICE = new SessionOwner("alice", "alice@example.com", "client");
    private static final SessionOwner BOB = new SessionOwner("bob", "bob@example.com", "client");

    /** Opens at once, or fails to start; remembers whether it was closed. */
    private static final class FakeBackend implements Backend {
        final Start start;
        final BackendListener listener;
        final AtomicBoolean closed = new AtomicBoolean();
        Context context;

        FakeBackend(Start start, BackendListener listener) {
            this.start = start;
            this.listener = listener;
        }

        @Override
        public Future<Void> open() {
            context = Vertx.currentContext();
            if (start == Start.DIES_WHILE_STARTING) {
                listener.onFailure("exited", "exited with code 2");
            }
            return start == Start.FAILS_TO_OPEN ? Future.failedFuture("exited with code 1") : Future.succeededFuture();
        }

        @Override
        public void send(JsonRpcMessage message) {}

        @Override
        public void protocolVersion(String version) {}

        @Override
        public Future<Void> close() {
            closed.set(true);
            return Future.succeededFuture();
        }
    }

    private static FrontConfig config(String routes, String server) throws Exception {
        String yaml = """
                oauth:
                  issuer: "http://localhost:8080"
                  identity: dev
                  allowed_domains: [example.com]
                server:
                  host: 127.0.0.1
                %s
                routes:
                %s
                """.formatted(server, routes);
        return ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), Map.of());
    }

    /** How a fake backend starts. */
    private enum Start {
        OK,
        FAILS_TO_OPEN,
        DIES_WHILE_STARTING
    }

    private static Future<String> deploy(Vertx vertx, FrontConfig config, List<FakeBackend> made, boolean failing) {
        return deploy(vertx, config, made, failing ? Start.FAILS_TO_OPEN : Start.OK);
    }

    private static Future<String> deploy(Vertx vertx, FrontConfig config, List<FakeBackend> made, Start start) {
        BusCodec.register(vertx);
        SupervisorVerticle supervisor = new SupervisorVerticle(
                SupervisorConfig.of(config),
                new GatewayMetrics(new SimpleMeterRegistry()),
                new BackendEras(vertx.createHttpClient()),
                new RequestStates(new byte[32], Clock.systemUTC()),
                (spec, era) -> listener -> {
                    FakeBackend backend = new FakeBackend(start, listener);
                    made.add(backend);
                    return backend;
                });
        return vertx.deployVerticle(supervisor);
    }

    private static Future<String> open(Vertx vertx, RouteConfig route, SessionOwner owner) {
        return LocalOnly.<String>request(
                        vertx,
                        Addresses.SUPERVISOR_SESSIONS,
                        SessionSpec.request(route, ClientTransport.STREAMABLE, null, owner))
                .map(reply -> reply.body());
    }

    private static int status(Throwable failure) {
        return failure instanceof ReplyException reply ? reply.failureCode() : -1;
    }

    @Test
    @DisplayName(
            "one user gets at most the route's per-user share; the route and the instance have limits of their own")
    void limits(Vertx vertx, VertxTestContext test) throws Exception {
        FrontConfig config = config("""
                  - { path: /a, type: stdio, command: [fake], max_sessions: 2, max_sessions_per_user: 1 }
                  - { path: /b, type: stdio, command: [fake] }
                """, "  max_sessions: 3");
        RouteConfig a = config.route("/a").orElseThrow();
        RouteConfig b = config.route("/b").orElseThrow();
        List<FakeBackend> made = new ArrayList<>();
        deploy(vertx, config, made, false)
                .compose(id -> open(vertx, a, ALICE))
                .compose(first -> open(vertx, a, ALICE).transform(second -> {
                    test.verify(() -> assertThat(status(second.cause()))
                            .as("alice's second on /a")
                            .isEqualTo(503));
                    return open(vertx, a, BOB);
                }))
                .compose(bobs -> open(vertx, a, new SessionOwner("carol", "c@example.com", "client"))
                        .transform(third -> {
                            test.verify(() -> assertThat(status(third.cause()))
                                    .as("a third on /a, limit 2")
                                    .isEqualTo(503));
                            return open(vertx, b, ALICE);
                        }))
                .compose(onB -> open(vertx, b, BOB).transform(fourth -> {
                    test.verify(() -> {
                        assertThat(status(fourth.cause()))
                                .as("a fourth on the instance, limit 3")
                                .isEqualTo(503);
                        assertThat(made).hasSize(3);
                    });
                    return LocalOnly.<JsonObject>request(vertx, Addresses.SUPERVISOR_STATUS, null);
                }))
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    JsonObject status = reply.body();
                    assertThat(status.getInteger("sessions")).isEqualTo(3);
                    assertThat(status.getJsonObject("routes")
                                    .getJsonObject("/a")
                                    .getInteger("sessions"))
                            .isEqualTo(2);
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName("a stdio route whose process fails to start is held back, and says why")
    void backOff(Vertx vertx, VertxTestContext test) throws Exception {
        FrontConfig config = config("  - { path: /broken, type: stdio, command: [fake] }", "");
        RouteConfig broken = config.route("/broken").orElseThrow();
        List<FakeBackend> made = new ArrayList<>();
        deploy(vertx, config, made, true)
                .compose(id -> open(vertx, broken, ALICE).transform(first -> {
                    test.verify(() -> assertThat(status(first.cause()))
                            .as("the start failed")
                            .isEqualTo(502));
                    return open(vertx, broken, ALICE);
                }))
                .onComplete(second -> test.verify(() -> {
                    assertThat(status(second.cause())).as("held back").isEqualTo(503);
                    assertThat(second.cause().getMessage())
                            .contains("failing to start")
                            .contains("next attempt in");
                    assertThat(made).as("no second process while held back").hasSize(1);
                    test.completeNow();
                }));
    }

    @Test
    @DisplayName("a route removed by a config edit has its sessions ended; the others stay")
    void eviction(Vertx vertx, VertxTestContext test) throws Exception {
        FrontConfig config = config("""
                  - { path: /gone, type: stdio, command: [fake] }
                  - { path: /kept, type: stdio, command: [fake] }
                """, "");
        FrontConfig edited = config("  - { path: /kept, type: stdio, command: [fake] }", "");
        List<FakeBackend> made = new ArrayList<>();
        deploy(vertx, config, made, false)
                .compose(id -> open(vertx, config.route("/gone").orElseThrow(), ALICE))
                .compose(one -> open(vertx, config.route("/kept").orElseThrow(), ALICE))
                .onComplete(test.succeeding(two -> {
                    LocalOnly.publish(vertx, Addresses.CONFIG_CHANGED, edited);
                    vertx.setPeriodic(50, timer -> {
                        if (made.get(0).closed.get()) {
                            vertx.cancelTimer(timer);
                            test.verify(() -> assertThat(made.get(1).closed.get())
                                    .as("the kept route's session")
                                    .isFalse());
                            test.completeNow();
                        }
                    });
                }));
    }

    @Test
    @DisplayName("a backend that dies while its session starts, or before it ever answered, feeds the back-off")
    void startFailuresBothWays(Vertx vertx, VertxTestContext test) throws Exception {
        FrontConfig config = config("  - { path: /dies, type: stdio, command: [fake] }", "");
        RouteConfig dies = config.route("/dies").orElseThrow();
        List<FakeBackend> made = new ArrayList<>();
        deploy(vertx, config, made, Start.DIES_WHILE_STARTING)
                .compose(id -> open(vertx, dies, ALICE).transform(first -> {
                    test.verify(() -> {
                        assertThat(status(first.cause())).as("the start failed").isEqualTo(502);
                        assertThat(first.cause().getMessage()).contains("exited with code 2");
                        assertThat(made.get(0).closed.get())
                                .as("the backend of a failed start is closed")
                                .isTrue();
                    });
                    return routeStatus(vertx, "/dies");
                }))
                .onComplete(test.succeeding(route -> test.verify(() -> {
                    assertThat(route.getInteger("consecutive_start_failures")).isEqualTo(1);
                    assertThat(route.getString("last_start_failure")).isEqualTo("exited with code 2");
                    assertThat(route.getInteger("sessions")).isZero();
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName(
            "a session whose backend fails before it ever answered ends, and the supervisor counts a start failure")
    void failsBeforeAnswering(Vertx vertx, VertxTestContext test) throws Exception {
        FrontConfig config = config("  - { path: /dies, type: stdio, command: [fake] }", "");
        RouteConfig dies = config.route("/dies").orElseThrow();
        List<FakeBackend> made = new ArrayList<>();
        deploy(vertx, config, made, Start.OK)
                .compose(id -> open(vertx, dies, ALICE))
                .compose(session -> {
                    FakeBackend backend = made.get(0);
                    backend.context.runOnContext(v -> backend.listener.onFailure("exited", "exited with code 3"));
                    // Nobody speaks to it: it lingers a moment for the client's first request, then ends.
                    return awaitRoute(vertx, "/dies", route -> route.containsKey("last_start_failure"));
                })
                .onComplete(test.succeeding(route -> test.verify(() -> {
                    assertThat(route.getString("last_start_failure")).isEqualTo("exited with code 3");
                    assertThat(route.getInteger("sessions")).isZero();
                    assertThat(made.get(0).closed.get()).isTrue();
                    test.completeNow();
                })));
    }

    private static Future<JsonObject> routeStatus(Vertx vertx, String path) {
        return LocalOnly.<JsonObject>request(vertx, Addresses.SUPERVISOR_STATUS, null)
                .map(reply -> reply.body().getJsonObject("routes").getJsonObject(path));
    }

    /** The supervisor's status of a route, once it satisfies {@code condition}. */
    private static Future<JsonObject> awaitRoute(
            Vertx vertx, String path, java.util.function.Predicate<JsonObject> condition) {
        return routeStatus(vertx, path)
                .compose(route -> condition.test(route)
                        ? Future.succeededFuture(route)
                        : vertx.timer(50).compose(t -> awaitRoute(vertx, path, condition)));
    }
}
