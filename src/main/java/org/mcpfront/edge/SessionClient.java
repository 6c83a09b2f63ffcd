package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalCodec;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.session.ClientTransport;
import org.mcpfront.session.SessionProtocol;
import org.mcpfront.session.StreamRef;
import org.mcpfront.supervisor.SessionRequest;

/**
 * The edge's side of the session protocol ({@link SessionProtocol}). Failures come back as
 * {@link SessionFailure} carrying the HTTP status to answer with.
 */
final class SessionClient {

    private final Vertx vertx;
    private boolean stopped;

    SessionClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The edge is stopping: its clients' streams close, and telling their sessions would race with
     * the supervisor, which stops every session right after the edges.
     */
    void stop() {
        stopped = true;
    }

    Future<String> open(RouteConfig route, ClientTransport transport, StreamRef standalone) {
        return vertx.eventBus()
                .<String>request(Addresses.SUPERVISOR_SESSIONS, new SessionRequest(route, transport, standalone),
                        LocalCodec.options(SessionRequest.class))
                .map(reply -> reply.body())
                .recover(SessionClient::failure);
    }

    Future<Void> send(String sessionId, String raw, StreamRef stream, boolean jsonOnly) {
        DeliveryOptions options = SessionProtocol.op(SessionProtocol.MESSAGE);
        if (stream != null) {
            options.addHeader(SessionProtocol.STREAM, stream.encode());
        }
        if (jsonOnly) {
            options.addHeader(SessionProtocol.JSON_ONLY, "true");
        }
        return request(sessionId, raw, options);
    }

    Future<Void> attach(String sessionId, StreamRef stream) {
        return request(sessionId, null, SessionProtocol.op(SessionProtocol.ATTACH)
                .addHeader(SessionProtocol.STREAM, stream.encode()));
    }

    Future<Void> detach(String sessionId, StreamRef stream) {
        if (stopped) {
            return Future.succeededFuture();
        }
        return request(sessionId, null, SessionProtocol.op(SessionProtocol.DETACH)
                .addHeader(SessionProtocol.STREAM, stream.encode()));
    }

    Future<Void> close(String sessionId, String reason) {
        if (stopped) {
            return Future.succeededFuture();
        }
        return request(sessionId, null, SessionProtocol.op(SessionProtocol.CLOSE)
                .addHeader(SessionProtocol.REASON, reason));
    }

    private Future<Void> request(String sessionId, String body, DeliveryOptions options) {
        return vertx.eventBus().request(Addresses.sessionIn(sessionId), body, options)
                .<Void>mapEmpty()
                .recover(SessionClient::failure);
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
