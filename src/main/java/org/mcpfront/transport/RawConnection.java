package org.mcpfront.transport;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * The one place mcp-front reaches into Vert.x internals ({@code io.vertx.core.http.impl}): the Netty
 * channel under an HTTP/1.x request. The public API cannot tell whether a response that has ended is
 * still waiting in the socket for its reader, and cannot close a connection without first flushing
 * what is queued, which a stalled reader never lets happen. Both matter only for cutting off a client
 * that stopped reading ({@link SseWriter}). On HTTP/2 the connection is shared by other streams, so
 * there is nothing of this kind to touch and the stream is reset instead.
 */
final class RawConnection {

    private final ChannelHandlerContext context;

    private RawConnection(ChannelHandlerContext context) {
        this.context = context;
    }

    /** The request's own connection on HTTP/1.x; null on HTTP/2 (or a connection of another kind). */
    static RawConnection of(HttpServerRequest request) {
        return request.version() != HttpVersion.HTTP_2 && request.connection() instanceof HttpServerConnection http1
                ? new RawConnection(http1.channelHandlerContext())
                : null;
    }

    /** Whether the socket is open but will take no more bytes now: its reader is not reading. */
    boolean openButFull() {
        return context.channel().isActive() && !context.channel().isWritable();
    }

    /** Closes the socket, dropping what is queued for it. */
    void closeNow() {
        // Closing from Vert.x's own pipeline context goes past its flush-then-close logic to the socket.
        context.close();
    }
}
