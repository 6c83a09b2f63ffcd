package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mcpfront.access.Visibility;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.bus.LocalPost;
import org.mcpfront.bus.SessionAdopt;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * The edge's side of the session contract ({@link SessionSpec} to the supervisor, {@link SessionCommand}
 * to a session). Failures come back as {@link SessionFailure} carrying the HTTP status to answer with.
 */
final class SessionClient {

    private static final long[] CLUSTER_RETRY_DELAYS_MS = {50, 150, 300};
    /** About 6 s in all, inside the edge's wait for a session. */
    private static final long[] ADOPTED_RETRY_DELAYS_MS = {50, 100, 200, 400, 800, 1600, 2500};

    private static final long SESSION_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final LocalPost post;
    private boolean stopped;

    SessionClient(Vertx vertx) {
        this.vertx = vertx;
        this.post = LocalPost.of(vertx);
    }

    /**
     * The edge is stopping: its clients' streams close, and telling their sessions would race with
     * the supervisor, which stops every session right after the edges.
     */
    void stop() {
        stopped = true;
    }

    Future<String> open(RouteConfig route, ClientTransport transport, StreamRef standalone, SessionOwner owner) {
        return LocalOnly.<String>request(
                        vertx, Addresses.SUPERVISOR_SESSIONS, SessionSpec.request(route, transport, standalone, owner))
                .map(reply -> reply.body())
                .recover(SessionClient::failure);
    }

    Future<Void> send(
            String sessionId,
            String owner,
            JsonRpcMessage message,
            StreamRef stream,
            boolean jsonOnly,
            Visibility visibility) {
        return send(sessionId, owner, message, stream, jsonOnly, null, visibility);
    }

    /** The same, with a 2026-07-28 tools/call's {@code Mcp-Param-*} headers for the session to check. */
    Future<Void> send(
            String sessionId,
            String owner,
            JsonRpcMessage message,
            StreamRef stream,
            boolean jsonOnly,
            JsonObject paramHeaders,
            Visibility visibility) {
        return request(
                sessionId, new SessionCommand.Deliver(owner, message, stream, jsonOnly, paramHeaders, visibility));
    }

    Future<Void> attach(String sessionId, String owner, StreamRef stream) {
        return request(sessionId, new SessionCommand.Attach(owner, stream));
    }

    /**
     * Hands the stream a {@code Last-Event-ID} belongs to over to {@code stream}; the answer is a
     * {@link SessionCommand.Resumed} name.
     */
    Future<SessionCommand.Resumed> resume(String sessionId, String owner, String lastEventId, StreamRef stream) {
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(SESSION_TIMEOUT_MS);
        return deliver(sessionId, new SessionCommand.Resume(owner, lastEventId, stream), options)
                .map(body -> SessionCommand.Resumed.valueOf(String.valueOf(body)))
                .recover(SessionClient::failure);
    }

    Future<Void> detach(String sessionId, String owner, StreamRef stream) {
        if (stopped) {
            return Future.succeededFuture();
        }
        return request(sessionId, new SessionCommand.Detach(owner, stream));
    }

    /** Tells the session that the client of {@code stream} stopped reading ({@code full}) or reads again. */
    void flow(String sessionId, String owner, StreamRef stream, boolean full) {
        if (!stopped) {
            // Best effort: a session that is gone has no backend to pause.
            request(sessionId, new SessionCommand.Flow(owner, stream, full));
        }
    }

    Future<Void> close(String sessionId, String owner, String reason) {
        if (stopped) {
            return Future.succeededFuture();
        }
        return request(sessionId, new SessionCommand.Close(owner, reason));
    }

    private Future<Void> request(String sessionId, SessionCommand.FromClient command) {
        // A session acknowledges at once; only an unreachable one (its instance died) takes long.
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(SESSION_TIMEOUT_MS);
        return deliver(sessionId, command, options).<Void>mapEmpty().recover(SessionClient::failure);
    }

    /**
     * Sends {@code command} to its session. When no instance serves the session (its own may have died),
     * this instance's supervisor adopts it if the store knows it, or learns who did, and the command goes
     * once more: for the commands that carry the client on (a message, a stream, a resumed stream).
     */
    private Future<Object> deliver(String sessionId, SessionCommand.FromClient command, DeliveryOptions options) {
        String address = Addresses.sessionIn(sessionId);
        Future<Object> here = post.request(vertx, address, command);
        if (here != null) {
            // A session of this JVM: no bus, no instance to have died. Only a close waits (for the session's end),
            // and the bus's timeout still bounds that wait.
            return command instanceof SessionCommand.Close
                    ? here.timeout(options.getSendTimeout(), TimeUnit.MILLISECONDS)
                            .recover(e -> e instanceof TimeoutException
                                    ? Future.failedFuture(new ReplyException(ReplyFailure.TIMEOUT, e.getMessage()))
                                    : Future.failedFuture(e))
                    : here;
        }
        Future<Object> sent = request(address, command, options, 0);
        if (command instanceof SessionCommand.Deliver
                || command instanceof SessionCommand.Attach
                || command instanceof SessionCommand.Resume) {
            // No answer in time may mean its instance died before the cluster noticed: the supervisor adopts
            // the session only once the owner is no longer a member. The session acknowledges a message
            // before it forwards it, so a message whose acknowledgement never came was not forwarded by a live
            // instance.
            sent = sent.recover(e -> isUnknown(e) || isTimeout(e)
                    ? LocalOnly.<Object>request(
                                    vertx,
                                    Addresses.SUPERVISOR_ADOPT,
                                    new SessionAdopt(sessionId, command.owner()),
                                    SESSION_TIMEOUT_MS)
                            .compose(adopted -> {
                                Object where = adopted.body();
                                if (SessionAdopt.ADOPTED.equals(where)
                                        || SessionAdopt.HERE.equals(where) && !isTimeout(e)) {
                                    DeliveryOptions local = new DeliveryOptions(options).setLocalOnly(true);
                                    return adoptedRequest(address, command, local, 0);
                                }
                                return isTimeout(e)
                                        ? Future.failedFuture(e)
                                        : adoptedRequest(address, command, options, 0);
                            })
                    : Future.failedFuture(e));
        }
        return sent;
    }

    /**
     * The command once more after the supervisor said the session is served (adopted here or by another
     * instance): its address may take a while to reach this instance's view of the cluster on a busy
     * machine, so an unknown address is asked again for longer than a new session's.
     */
    private Future<Object> adoptedRequest(String address, SessionCommand body, DeliveryOptions options, int attempt) {
        return vertx.eventBus()
                .request(address, body, options)
                .map(reply -> reply.body())
                .recover(e -> {
                    if (!isUnknown(e) || attempt >= ADOPTED_RETRY_DELAYS_MS.length) {
                        return Future.failedFuture(e);
                    }
                    return vertx.timer(ADOPTED_RETRY_DELAYS_MS[attempt])
                            .compose(v -> adoptedRequest(address, body, options, attempt + 1));
                });
    }

    private static boolean isUnknown(Throwable e) {
        return e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
    }

    private static boolean isTimeout(Throwable e) {
        return e instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT;
    }

    /**
     * In a cluster a new session's subscription reaches the other members a moment after its id
     * reached the client, whose next request may land on one of them: an unknown session is asked
     * again a few times before it counts as gone.
     */
    private Future<Object> request(String address, SessionCommand body, DeliveryOptions options, int attempt) {
        return vertx.eventBus()
                .request(address, body, options)
                .map(reply -> reply.body())
                .recover(e -> {
                    if (!isUnknown(e) || !vertx.isClustered() || attempt >= CLUSTER_RETRY_DELAYS_MS.length) {
                        return Future.failedFuture(e);
                    }
                    return vertx.timer(CLUSTER_RETRY_DELAYS_MS[attempt])
                            .compose(v -> request(address, body, options, attempt + 1));
                });
    }

    private static <T> Future<T> failure(Throwable cause) {
        if (cause instanceof ReplyException reply) {
            if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
                return Future.failedFuture(new SessionFailure(404, "Session not found: it ended or never existed"));
            }
            if (reply.failureType() == ReplyFailure.TIMEOUT) {
                return Future.failedFuture(new SessionFailure(504, "The session did not answer in time"));
            }
            return Future.failedFuture(new SessionFailure(reply.failureCode(), reply.getMessage()));
        }
        return Future.failedFuture(new SessionFailure(500, cause.getMessage()));
    }

    /** A session operation that failed, with the HTTP status that tells the client what happened. */
    static final class SessionFailure extends RuntimeException {
        final int status;

        SessionFailure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
