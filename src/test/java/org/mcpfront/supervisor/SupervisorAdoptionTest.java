package org.mcpfront.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.BusCodec;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.bus.SessionAdopt;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.session.Backend;
import org.mcpfront.session.SessionFacts;
import org.mcpfront.storage.MemoryStore;
import org.mcpfront.storage.Store;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * Adoption of a session whose instance died, with fake backends and a shared store: two instances
 * that try at once, an owner that lives, another user's token, a route that ends lost sessions.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("Adopting a session")
class SupervisorAdoptionTest {

    private static final SessionOwner ALICE = new SessionOwner("alice", "alice@example.com", "client");
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}";

    /** Carries any adopted session on; remembers what it was given; opens after {@code openMillis} (a process). */
    private static final class FakeBackend implements Backend {
        final List<SessionFacts> resumed;
        final long openMillis;

        FakeBackend(List<SessionFacts> resumed, long openMillis) {
            this.resumed = resumed;
            this.openMillis = openMillis;
        }

        @Override
        public Future<Void> open() {
            return openMillis == 0
                    ? Future.succeededFuture()
                    : Vertx.currentContext().owner().timer(openMillis).mapEmpty();
        }

        @Override
        public boolean resume(SessionFacts facts) {
            resumed.add(facts);
            return true;
        }

        @Override
        public void send(JsonRpcMessage message) {}

        @Override
        public void protocolVersion(String version) {}

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }
    }

    /** An instance named {@code self} that sees only itself and {@code alive}. */
    private static Membership member(String self, String... alive) {
        return new Membership() {
            @Override
            public String node() {
                return self;
            }

            @Override
            public boolean isMember(String node) {
                return self.equals(node) || List.of(alive).contains(node);
            }
        };
    }

    private static FrontConfig config() throws Exception {
        String yaml = """
                oauth:
                  issuer: "http://localhost:8080"
                  identity: dev
                  allowed_domains: [example.com]
                routes:
                  - { path: /kept, type: stdio, command: [fake] }
                  - { path: /ends, type: stdio, command: [fake], on_process_loss: end }
                """;
        return ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), Map.of());
    }

    private static Future<String> deploy(Vertx vertx, Store store, Membership membership, List<SessionFacts> resumed) {
        return deploy(vertx, store, membership, resumed, 0);
    }

    private static Future<String> deploy(
            Vertx vertx, Store store, Membership membership, List<SessionFacts> resumed, long openMillis) {
        BusCodec.register(vertx);
        FrontConfig config;
        try {
            config = config();
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        return vertx.deployVerticle(new SupervisorVerticle(
                SupervisorConfig.of(config),
                new GatewayMetrics(new SimpleMeterRegistry()),
                new BackendEras(vertx.createHttpClient()),
                new RequestStates(new byte[32], Clock.systemUTC()),
                (spec, era) -> listener -> new FakeBackend(resumed, openMillis),
                store,
                membership));
    }

    private static Future<String> deploy(Vertx vertx, Store store, boolean keepFacts) {
        BusCodec.register(vertx);
        FrontConfig config;
        try {
            config = config();
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        return vertx.deployVerticle(new SupervisorVerticle(
                        SupervisorConfig.of(config),
                        new GatewayMetrics(new SimpleMeterRegistry()),
                        new BackendEras(vertx.createHttpClient()),
                        new RequestStates(new byte[32], Clock.systemUTC()),
                        (spec, era) -> listener -> new FakeBackend(new CopyOnWriteArrayList<>(), 0),
                        store,
                        member("a"))
                .keepFacts(keepFacts));
    }

    /** Opens a Streamable HTTP session on /kept; its id. */
    private static Future<String> open(Vertx vertx) {
        FrontConfig config;
        try {
            config = config();
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        return LocalOnly.<String>request(
                        vertx,
                        Addresses.SUPERVISOR_SESSIONS,
                        SessionSpec.request(
                                config.route("/kept").orElseThrow(), ClientTransport.STREAMABLE, null, ALICE))
                .map(reply -> reply.body());
    }

    /** The session's stored facts once they are there, or null after {@code tries} looks 50 ms apart. */
    private static Future<JsonObject> storedFacts(Vertx vertx, Store store, String id, int tries) {
        return store.get(SessionFacts.key(id))
                .compose(stored -> stored != null || tries <= 1
                        ? Future.succeededFuture(stored)
                        : vertx.timer(50).compose(t -> storedFacts(vertx, store, id, tries - 1)));
    }

    private static SessionFacts facts(String id, String route, String node) {
        return new SessionFacts(
                id, route, ALICE, ClientTransport.SSE, "2025-06-18", INITIALIZE, true, null, null, node, 0);
    }

    private static Future<Void> adopt(Vertx vertx, String id, SessionOwner owner, String route) {
        return LocalOnly.request(vertx, Addresses.SUPERVISOR_ADOPT, new SessionAdopt(id, owner.binding(route)))
                .mapEmpty();
    }

    private static int status(Throwable failure) {
        return failure instanceof ReplyException reply ? reply.failureCode() : -1;
    }

    @Test
    @DisplayName("sessions keep their facts in the store, unless no one could read them back (one instance, memory)")
    void factsOnlyWhereSomeoneReadsThem(Vertx vertx, VertxTestContext test) throws Exception {
        Vertx other = Vertx.vertx();
        Store kept = new MemoryStore(vertx, 1 << 20);
        Store notKept = new MemoryStore(other, 1 << 20);
        deploy(vertx, kept, true)
                .compose(v -> deploy(other, notKept, false))
                .compose(v -> open(vertx).compose(id -> storedFacts(vertx, kept, id, 40)))
                .compose(stored -> {
                    test.verify(() -> assertThat(stored)
                            .as("the default: another instance could adopt the session")
                            .isNotNull());
                    return open(other).compose(id -> storedFacts(other, notKept, id, 10));
                })
                .onComplete(test.succeeding(stored -> test.verify(() -> {
                    assertThat(stored).as("no one to read them: no facts").isNull();
                    other.close();
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName("two instances that try at once: exactly one adopts, the other is told to send again")
    void oneWinner(Vertx vertx, VertxTestContext test) throws Exception {
        Vertx other = Vertx.vertx();
        Store store = new MemoryStore(vertx, 1 << 20);
        List<SessionFacts> resumed = new CopyOnWriteArrayList<>();
        store.put(SessionFacts.key("s1"), facts("s1", "/kept", "dead").toJson(), Duration.ofMinutes(1))
                .compose(v -> deploy(vertx, store, member("a", "b"), resumed))
                .compose(v -> deploy(other, store, member("b", "a"), resumed))
                .compose(v -> Future.join(adopt(vertx, "s1", ALICE, "/kept"), adopt(other, "s1", ALICE, "/kept")))
                .compose(both -> store.get(SessionFacts.key("s1")))
                .onComplete(test.succeeding(stored -> test.verify(() -> {
                    assertThat(resumed)
                            .as("one backend carries the session on")
                            .singleElement()
                            .satisfies(f -> assertThat(f.initialize()).isEqualTo(INITIALIZE));
                    SessionFacts now = SessionFacts.fromJson(stored);
                    assertThat(now.epoch()).isEqualTo(1);
                    assertThat(now.node())
                            .isIn("a", "b")
                            .isEqualTo(resumed.get(0).node());
                    other.close();
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName(
            "another user's token, a live owner, an unknown session or a route that ends lost sessions adopt nothing")
    void refusals(Vertx vertx, VertxTestContext test) throws Exception {
        Store store = new MemoryStore(vertx, 1 << 20);
        List<SessionFacts> resumed = new CopyOnWriteArrayList<>();
        SessionOwner bob = new SessionOwner("bob", "bob@example.com", "client");
        Future.all(
                        store.put(
                                SessionFacts.key("s1"),
                                facts("s1", "/kept", "dead").toJson(),
                                Duration.ofMinutes(1)),
                        store.put(
                                SessionFacts.key("s2"),
                                facts("s2", "/kept", "alive").toJson(),
                                Duration.ofMinutes(1)),
                        store.put(
                                SessionFacts.key("s3"),
                                facts("s3", "/ends", "dead").toJson(),
                                Duration.ofMinutes(1)))
                .compose(v -> deploy(vertx, store, member("a", "alive"), resumed))
                .compose(v -> adopt(vertx, "s1", bob, "/kept").transform(ar -> {
                    test.verify(() ->
                            assertThat(status(ar.cause())).as("bob's token").isEqualTo(404));
                    return adopt(vertx, "s2", ALICE, "/kept");
                }))
                .compose(v -> adopt(vertx, "nothing", ALICE, "/kept").transform(ar -> {
                    test.verify(
                            () -> assertThat(status(ar.cause())).as("unknown").isEqualTo(404));
                    return adopt(vertx, "s3", ALICE, "/ends");
                }))
                .transform(ar -> {
                    test.verify(() -> assertThat(status(ar.cause()))
                            .as("on_process_loss: end")
                            .isEqualTo(404));
                    return store.get(SessionFacts.key("s3"));
                })
                .onComplete(test.succeeding(s3 -> test.verify(() -> {
                    assertThat(s3)
                            .as("an ended route's lost session is forgotten")
                            .isNull();
                    assertThat(resumed).as("nothing adopted").isEmpty();
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName("an adopted session answers its owner under its old id, and forgets its facts when it ends")
    void adoptedServes(Vertx vertx, VertxTestContext test) throws Exception {
        Store store = new MemoryStore(vertx, 1 << 20);
        List<SessionFacts> resumed = new CopyOnWriteArrayList<>();
        store.put(SessionFacts.key("s1"), facts("s1", "/kept", "dead").toJson(), Duration.ofMinutes(1))
                .compose(v -> deploy(vertx, store, member("a"), resumed))
                .compose(v -> adopt(vertx, "s1", ALICE, "/kept"))
                .compose(v -> vertx.eventBus()
                        .request(
                                Addresses.sessionIn("s1"),
                                new org.mcpfront.bus.SessionCommand.Close(ALICE.binding("/kept"), "done")))
                .compose(closed -> store.get(SessionFacts.key("s1")))
                .onComplete(test.succeeding(gone -> test.verify(() -> {
                    assertThat(resumed).hasSize(1);
                    assertThat(gone).isNull();
                    test.completeNow();
                })));
    }

    /** Asks the session something harmless: fails with NO_HANDLERS when nothing serves its address here. */
    private static Future<Object> served(Vertx vertx, String id) {
        return vertx.eventBus()
                .request(
                        Addresses.sessionIn(id),
                        new org.mcpfront.bus.SessionCommand.Detach(ALICE.binding("/kept"), null))
                .map(reply -> reply.body());
    }

    @Test
    @DisplayName("a second request while an adoption is starting (a slow process) is answered once the session serves")
    void waitsForTheStart(Vertx vertx, VertxTestContext test) {
        Store store = new MemoryStore(vertx, 1 << 20);
        List<SessionFacts> resumed = new CopyOnWriteArrayList<>();
        store.put(SessionFacts.key("s1"), facts("s1", "/kept", "dead").toJson(), Duration.ofMinutes(1))
                .compose(v -> deploy(vertx, store, member("a"), resumed, 800))
                .compose(v -> Future.all(
                        adopt(vertx, "s1", ALICE, "/kept").compose(x -> served(vertx, "s1")),
                        adopt(vertx, "s1", ALICE, "/kept").compose(x -> served(vertx, "s1"))))
                .onComplete(test.succeeding(both -> test.verify(() -> {
                    assertThat(resumed).as("adopted once").hasSize(1);
                    test.completeNow();
                })));
    }

    @Test
    @DisplayName("the instance that lost the claim answers once the winner serves the session, not before")
    void loserWaitsForTheWinner(Vertx vertx, VertxTestContext test) {
        Vertx other = Vertx.vertx();
        Store store = new MemoryStore(vertx, 1 << 20);
        List<SessionFacts> resumed = new CopyOnWriteArrayList<>();
        List<String> ownerAtReply = new CopyOnWriteArrayList<>();
        Function<Vertx, Future<Void>> adoptAndLook = on -> adopt(on, "s1", ALICE, "/kept")
                .compose(v -> store.get(SessionFacts.key("s1")))
                .map(stored -> {
                    ownerAtReply.add(SessionFacts.fromJson(stored).node());
                    return null;
                });
        store.put(SessionFacts.key("s1"), facts("s1", "/kept", "dead").toJson(), Duration.ofMinutes(1))
                .compose(v -> deploy(vertx, store, member("a", "b"), resumed, 800))
                .compose(v -> deploy(other, store, member("b", "a"), resumed, 800))
                .compose(v -> Future.all(adoptAndLook.apply(vertx), adoptAndLook.apply(other)))
                .onComplete(test.succeeding(both -> test.verify(() -> {
                    assertThat(resumed).hasSize(1);
                    assertThat(ownerAtReply)
                            .as("both answered after the winner had started the session and saved its facts")
                            .hasSize(2)
                            .allSatisfy(node ->
                                    assertThat(node).isEqualTo(resumed.get(0).node()));
                    other.close();
                    test.completeNow();
                })));
    }
}
