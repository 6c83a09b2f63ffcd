package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.EventIds;
import org.mcpfront.bus.SessionCommand;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.ServerConfig;
import org.mcpfront.edge.SessionClient.SessionFailure;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.mcpfront.transport.SseWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /<route>/sse} and {@code /<route>/message}: the legacy HTTP+SSE transport (MCP 2024-11-05).
 * The GET stream opens the session and carries everything the backend says; POSTs to the message
 * endpoint carry client messages and answer 202. The session lives as long as the stream. Every event
 * on the stream but the endpoint carries an id: a client whose connection died without the edge seeing
 * a close (the instance that held it was lost, the network vanished) reconnects with {@code Last-Event-ID}
 * (as EventSource does) and gets the same session back, with what it missed.
 */
final class SseEndpoint {

    private static final Logger log = LoggerFactory.getLogger(SseEndpoint.class);

    private final Vertx vertx;
    private final ClientStreams streams;
    private final SessionClient sessions;
    private final Supplier<ServerConfig> server;

    SseEndpoint(Vertx vertx, ClientStreams streams, SessionClient sessions, Supplier<ServerConfig> server) {
        this.vertx = vertx;
        this.streams = streams;
        this.sessions = sessions;
        this.server = server;
    }

    void stream(RoutingContext ctx, RouteConfig route) {
        HttpServerResponse response = ctx.response();
        EventStream stream = new EventStream(new SseWriter(vertx, ctx.request()));
        StreamRef registered = streams.register(stream);
        SessionOwner owner = BearerCheck.owner(ctx);
        String binding = owner.binding(route.path());
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        EventIds.Position position = EventIds.parse(lastEventId);
        Future<Opened> opened;
        if (position != null && position.kind() == EventIds.SSE) {
            // A client that lost its stream (EventSource reconnects with the last id it saw): the same
            // session goes on, and what the client missed follows the endpoint event.
            StreamRef resuming = ClientStreams.keyed(registered, position.key());
            opened = sessions.resume(position.sessionId(), binding, lastEventId, resuming)
                    .compose(how -> how == SessionCommand.Resumed.UNKNOWN
                            ? sessions.attach(position.sessionId(), binding, registered)
                                    .map(new Opened(position.sessionId(), registered))
                            : Future.succeededFuture(new Opened(position.sessionId(), resuming)));
        } else {
            if (lastEventId != null) {
                log.atInfo()
                        .addKeyValue("route", route.path())
                        .log("a legacy SSE stream opened with a Last-Event-ID that is not a stream of "
                                + "mcp-front's; a new session");
            }
            opened =
                    sessions.open(route, ClientTransport.SSE, registered, owner).map(id -> new Opened(id, registered));
        }
        opened.onSuccess(session -> {
                    String id = session.id();
                    response.closeHandler(v -> {
                        streams.unregister(session.ref());
                        if (!stream.ended()) {
                            // The legacy session lives as long as its stream: a client that closes it is
                            // gone. A connection that died without a close (an instance lost, a network
                            // that vanished) leaves the session up for its client to resume.
                            sessions.close(id, binding, "client disconnected");
                        }
                    });
                    SseWriter writer = stream.writer()
                            .start(server.get().sseKeepAlive(), server.get().slowClientTimeout())
                            .describe(route.path(), id)
                            .onFlow(full -> sessions.flow(id, binding, session.ref(), full));
                    // The endpoint event goes out with the headers, in one write; on a resumed stream it
                    // names the same endpoint again (carrying no id, so the client's last id stays). On a
                    // route's own host the endpoint is at the root.
                    writer.event(
                            "endpoint",
                            (ctx.get(EdgeVerticle.VIA_HOST) == null ? route.path() : "") + "/message?sessionId=" + id);
                    stream.started();
                })
                .onFailure(e -> {
                    streams.unregister(registered);
                    int status = e instanceof SessionFailure failure ? failure.status : 500;
                    Replies.error(response, status, null, e.getMessage());
                });
    }

    /** The session a legacy stream belongs to, and how the session knows the stream. */
    private record Opened(String id, StreamRef ref) {}

    void message(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        String sessionId = ctx.request().getParam("sessionId");
        if (sessionId == null || sessionId.isBlank()) {
            Replies.error(
                    response,
                    400,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Bad request: sessionId query parameter is required");
            return;
        }
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            Replies.error(
                    response,
                    415,
                    null,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Unsupported media type: send Content-Type: application/json");
            return;
        }
        List<JsonRpcMessage> messages;
        try {
            messages = JsonRpcMessage.parseBody(BodyText.of(ctx));
        } catch (JsonRpcException e) {
            response.setStatusCode(400)
                    .putHeader("Content-Type", "application/json")
                    .end(e.toResponse());
            return;
        }
        String owner = BearerCheck.binding(ctx);
        Future<Void> chain = Future.succeededFuture();
        for (JsonRpcMessage message : messages) {
            chain = chain.compose(
                    v -> sessions.send(sessionId, owner, message, null, false, AccessGate.visibility(ctx)));
        }
        chain.onSuccess(v -> response.setStatusCode(202)
                        .putHeader("Content-Type", "text/plain")
                        .end("Accepted"))
                .onFailure(e -> {
                    int status = e instanceof SessionFailure failure ? failure.status : 500;
                    Replies.error(
                            response,
                            status,
                            messages.size() == 1 ? messages.get(0).idKey() : null,
                            e.getMessage());
                });
    }
}
