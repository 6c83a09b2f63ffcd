package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.bus.LocalPost;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionEnded;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.bus.StreamEvent;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session on the event bus: takes its {@link SessionCommand}s at {@code mcp.session.<id>.in},
 * opens and closes the backend, and lends its {@link SessionCore} (where the session's rules live)
 * the clock, timers and the bus. Ending the session is undeploying this verticle.
 */
public final class SessionVerticle extends VerticleBase implements SessionCore.Host {

    private static final Logger log = LoggerFactory.getLogger(SessionVerticle.class);
    /** How long a session's end waits for the store to forget its facts. */
    private static final long FORGET_TIMEOUT_MS = 3_000;

    private final SessionSpec spec;
    private final Function<BackendListener, Backend> backends;
    private final GatewayMetrics metrics;
    private final Store store;
    private final SessionFacts facts;
    private final boolean adopted;
    private SessionCore core;
    private MessageConsumer<SessionCommand> inbox;
    private Future<Void> undeploying;
    private Store streamStore;
    private LocalPost post;

    public SessionVerticle(SessionSpec spec, Function<BackendListener, Backend> backends, GatewayMetrics metrics) {
        this(spec, backends, metrics, null, null, false);
    }

    /**
     * A session whose durable facts the store keeps, so that another instance can adopt it if this one dies.
     *
     * @param facts   its facts, owned by this instance
     * @param adopted the session was adopted: its backend carries on from {@code facts}
     */
    public SessionVerticle(
            SessionSpec spec,
            Function<BackendListener, Backend> backends,
            GatewayMetrics metrics,
            Store store,
            SessionFacts facts,
            boolean adopted) {
        this.spec = spec;
        this.backends = backends;
        this.metrics = metrics;
        this.store = store;
        this.facts = store == null ? null : facts;
        this.adopted = adopted;
    }

    /** Keeps the events of this session's resumable streams in {@code store} too, for other instances (a cluster). */
    public SessionVerticle keepStreamsIn(Store store) {
        this.streamStore = store;
        return this;
    }

    @Override
    public Future<?> start() {
        post = LocalPost.of(vertx);
        core = new SessionCore(spec, this, metrics, facts);
        Backend backend = backends.apply(core);
        core.backend(backend);
        if (adopted && !backend.resume(facts)) {
            return Future.failedFuture(
                    "the backend of route " + spec.route().path() + " cannot carry an adopted session on");
        }
        return backend.open()
                .compose(v -> {
                    inbox = vertx.eventBus().consumer(Addresses.sessionIn(spec.id()), this::onCommand);
                    return inbox.completion();
                })
                .compose(v -> {
                    // This JVM's edges reach the session without the bus; others, and adoption, over it.
                    post.receive(Addresses.sessionIn(spec.id()), this::onLocalCommand);
                    String failure = core.started();
                    if (failure == null) {
                        return Future.succeededFuture();
                    }
                    // The backend died while the session was starting: fail the start, so the client
                    // hears it at once instead of waiting for its first request to time out.
                    post.leave(Addresses.sessionIn(spec.id()));
                    return inbox.unregister().compose(x -> backend.close()).compose(x -> Future.failedFuture(failure));
                });
    }

    @Override
    public Future<?> stop() {
        core.drain();
        // The facts go first: while they exist, a request that finds no session here may adopt it.
        return forgetFacts().transform(x -> {
            post.leave(Addresses.sessionIn(spec.id()));
            Future<Void> unregistered = inbox == null ? Future.succeededFuture() : inbox.unregister();
            return Future.join(unregistered, core.backend().close());
        });
    }

    private void onCommand(Message<SessionCommand> message) {
        onCommand(message.body(), new LocalPost.Reply() {
            @Override
            public void ok(Object answer) {
                message.reply(answer);
            }

            @Override
            public void fail(int code, String reason) {
                message.fail(code, reason);
            }
        });
    }

    /** The same command from this JVM's edge ({@link LocalPost}): no bus message to answer. */
    private void onLocalCommand(Object command, LocalPost.Reply reply) {
        onCommand((SessionCommand) command, reply);
    }

    private void onCommand(SessionCommand body, LocalPost.Reply reply) {
        if (body instanceof SessionCommand.Evict evict) {
            core.end(evict.reason() == null ? "ended by the supervisor" : evict.reason());
            replyOnceEnded(reply);
            return;
        }
        SessionCommand.FromClient command = (SessionCommand.FromClient) body;
        core.onClient(command, new SessionCore.Ack() {
            @Override
            public void ok() {
                if (command instanceof SessionCommand.Close) {
                    replyOnceEnded(reply);
                } else {
                    reply.ok(null);
                }
            }

            @Override
            public void ok(String answer) {
                reply.ok(answer);
            }

            @Override
            public void fail(int status, String reason) {
                reply.fail(status, reason);
            }
        });
    }

    /** Answers a close once the session has ended (its backend closed, its process reaped). */
    private void replyOnceEnded(LocalPost.Reply reply) {
        Future<Void> ended = undeploying == null ? Future.succeededFuture() : undeploying;
        ended.onComplete(ar -> reply.ok(null));
    }

    // ---- SessionCore.Host -------------------------------------------------------------------

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long setTimer(long delayMillis, Runnable action) {
        return vertx.setTimer(delayMillis, t -> action.run());
    }

    @Override
    public void cancelTimer(long timerId) {
        vertx.cancelTimer(timerId);
    }

    @Override
    public void deliver(StreamRef stream, StreamEvent event) {
        if (!post.send(stream.inbox(), event)) {
            vertx.eventBus().send(stream.inbox(), event);
        }
    }

    @Override
    public void tellSupervisor(SessionEnded notice) {
        LocalOnly.send(vertx, Addresses.SUPERVISOR_SESSION_ENDED, notice);
    }

    @Override
    public Store streamStore() {
        return streamStore;
    }

    @Override
    public void saveFacts(SessionFacts next, long ttlMillis) {
        store.put(SessionFacts.key(spec.id()), next.toJson(), Duration.ofMillis(ttlMillis))
                .onFailure(e -> log.atWarn()
                        .addKeyValue("route", spec.route().path())
                        .addKeyValue("session", spec.id())
                        .addKeyValue("reason", e.getMessage())
                        .log("could not keep the session's facts in the store; another instance could not adopt it"));
    }

    private Future<Void> forgetFacts() {
        if (facts == null) {
            return Future.succeededFuture();
        }
        return store.delete(SessionFacts.key(spec.id()))
                .timeout(FORGET_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .onFailure(e -> log.atWarn()
                        .addKeyValue("route", spec.route().path())
                        .addKeyValue("session", spec.id())
                        .addKeyValue("reason", e.getMessage())
                        .log("could not remove the ended session's facts from the store; they expire with "
                                + "its timeout"));
    }

    @Override
    public void undeploy() {
        if (undeploying == null) {
            undeploying = vertx.undeploy(deploymentID());
        }
    }
}
