package org.mcpfront.transport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@code text/event-stream} response: events, and a keep-alive comment on a timer so that
 * load balancers and proxies do not cut a quiet stream. Keep-alives are not session activity.
 *
 * <p>A client that stops reading fills the connection's write queue. If it stays full for
 * the slow-client timeout ({@code server.slow_client_timeout}), or holds more than {@link #MAX_BUFFERED_BYTES}, the
 * client is
 * cut off (the endpoint then treats it as gone), so one stalled reader cannot make the gateway
 * buffer a chatty backend without bound. That holds after the stream's last event too: a response
 * that ended still waits in the connection for its reader.
 *
 * <p>Before that, backpressure: when {@link #FLOW_BYTES} wait for the client (or the queue fills), the
 * {@link #onFlow flow handler} hears {@code true} (the session pauses its backend) and, once the client has
 * drained half of it, {@code false}.
 */
public final class SseWriter {

    private static final Logger log = LoggerFactory.getLogger(SseWriter.class);
    private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");
    /**
     * What a stalled client may hold in our memory before it is cut off without waiting for the
     * timeout: room for two of the largest messages a stdio backend may send (16 MiB each).
     */
    static final long MAX_BUFFERED_BYTES = 32L * 1024 * 1024;
    /**
     * Queued for the client and not yet taken by its socket beyond this, the flow handler hears that the stream is
     * full. Vert.x's own write queue counts messages (16 of them, whatever their size: 16 MiB of 1 MiB events),
     * so the bound is counted here in bytes; the handler hears it drained once half of it is left.
     */
    public static final int FLOW_BYTES = 256 * 1024;

    private final Vertx vertx;
    private final HttpServerResponse response;
    /** The socket under an HTTP/1.x response; null on HTTP/2, where the connection is shared. */
    private final RawConnection connection;

    private long keepAliveTimer = -1;
    private long stallTimer = -1;
    private Duration slowClientTimeout;
    private String route;
    private String session;
    private boolean ended;
    private boolean cutOff;
    /** What was queued for the client while its queue was full, since it last drained. */
    private long unread;

    private Consumer<Boolean> flow;
    /** Whether the flow handler last heard that the queue is full. */
    private boolean full;
    /** Chars written and not yet taken by the socket (near enough bytes), counted while a flow handler listens. */
    private long queued;

    public SseWriter(Vertx vertx, HttpServerRequest request) {
        this.vertx = vertx;
        this.response = request.response();
        this.connection = RawConnection.of(request);
    }

    /**
     * Sets the headers and starts keep-alives; call once, before any event. The headers go out with
     * the first write, so that a short stream (one POST's response) leaves in a single TCP segment;
     * call {@link #flushHeaders()} where the client needs them at once (a long-lived stream).
     *
     * @param keepAlive         how often a quiet stream gets a keep-alive comment
     * @param slowClientTimeout how long a client may leave its queue full before it is cut off
     */
    public SseWriter start(Duration keepAlive, Duration slowClientTimeout) {
        this.slowClientTimeout = slowClientTimeout;
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache, no-transform")
                // nginx and some load balancers buffer responses unless told not to.
                .putHeader("X-Accel-Buffering", "no");
        long interval = Math.max(1, keepAlive.toMillis());
        // The response's close handler belongs to the endpoint (it ends the session), so the timer
        // notices a gone client by itself.
        keepAliveTimer = vertx.setPeriodic(interval, id -> {
            if (ended || response.closed()) {
                stopKeepAlive();
            } else if (!response.writeQueueFull()) {
                response.write(KEEP_ALIVE);
            }
        });
        return this;
    }

    /** Names the route and session in this stream's log lines. */
    public SseWriter describe(String route, String session) {
        this.route = route;
        this.session = session;
        return this;
    }

    /**
     * Tells {@code flow} when the client's queue fills ({@code true}) and when it has drained ({@code false}),
     * so that the session can pause its backend instead of having this stream buffer what it sends.
     */
    public SseWriter onFlow(Consumer<Boolean> flow) {
        this.flow = flow;
        return this;
    }

    /** Sends the headers now, before any event. */
    public SseWriter flushHeaders() {
        if (!response.headWritten()) {
            response.writeHead();
        }
        return this;
    }

    /** Sends a keep-alive comment now (with the headers, if they have not gone yet). */
    public SseWriter keepAlive() {
        if (!ended && !response.closed()) {
            response.write(KEEP_ALIVE);
        }
        return this;
    }

    /** Writes one event. Multi-line data becomes several {@code data:} lines, which readers join back. */
    public void event(String name, String data) {
        event(name, data, null);
    }

    /** Writes one event with an SSE id (none when null), which the client sends back as {@code Last-Event-ID}. */
    public void event(String name, String data, String id) {
        if (!ended && !response.closed()) {
            String frame = frame(name, data, id);
            if (flow == null) {
                response.write(frame);
            } else {
                int length = frame.length();
                queued += length;
                response.write(frame).onComplete(ar -> taken(length));
                if (!full && (queued > FLOW_BYTES || response.writeQueueFull())) {
                    full = true;
                    response.drainHandler(v -> drained());
                    flow.accept(true);
                }
            }
            if (slowClientTimeout != null && (full || response.writeQueueFull())) {
                // All a full queue takes on waits in memory for the client (chars, near enough bytes).
                unread += frame.length();
                watchForStall();
            }
        }
    }

    /** Call only while {@link #stalled()}: cuts the client off past the bound, or starts the timeout. */
    private void watchForStall() {
        if (unread > MAX_BUFFERED_BYTES) {
            cutOff(
                    "unread_bytes",
                    Long.toString(unread),
                    "client too slow: its stream holds more unread data than the gateway keeps for one client; "
                            + "disconnecting it");
            return;
        }
        if (stallTimer >= 0) {
            return;
        }
        if (!ended) {
            response.drainHandler(v -> drained());
        }
        stallTimer = vertx.setTimer(slowClientTimeout.toMillis(), t -> {
            stallTimer = -1;
            if (stalled()) {
                cutOff(
                        "timeout",
                        slowClientTimeout.toString(),
                        "client too slow: its stream took no data for the slow-client timeout; disconnecting it");
            }
        });
    }

    /** The socket took {@code length} chars of a write (or the write failed): the stream may have drained. */
    private void taken(int length) {
        queued -= length;
        if (full && queued <= FLOW_BYTES / 2 && !response.writeQueueFull()) {
            drained();
        }
    }

    /** The client read what was queued: no stall, and the session's backend may send again. */
    private void drained() {
        if (full && queued > FLOW_BYTES / 2) {
            // Vert.x's queue has room for messages again, but more than half the bound still waits.
            return;
        }
        if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
            stallTimer = -1;
        }
        unread = 0;
        if (full) {
            full = false;
            flow.accept(false);
        }
    }

    /** Whether the client is not reading what we send: while the response runs, and after it ended. */
    private boolean stalled() {
        if (slowClientTimeout == null || cutOff || response.closed()) {
            return false;
        }
        if (!ended) {
            return full || response.writeQueueFull();
        }
        return connection != null && connection.openButFull();
    }

    private void cutOff(String limit, String value, String why) {
        cutOff = true;
        ended = true;
        stopKeepAlive();
        log.atWarn()
                .addKeyValue("route", route)
                .addKeyValue("session", session)
                .addKeyValue(limit, value)
                .log(why);
        if (connection != null) {
            // Vert.x closes a connection once what is queued has flushed, which a stalled reader
            // never lets happen.
            connection.closeNow();
        } else if (!response.ended()) {
            response.reset();
        }
    }

    /**
     * The priming event of SEP-1699: an id and empty data, which clients do not dispatch but remember,
     * so that a client holds a {@code Last-Event-ID} before the first message; with a {@code retry:}
     * field telling it how soon to reconnect after a lost connection.
     */
    public void prime(String id, long retryMillis) {
        if (!ended && !response.closed()) {
            response.write("id: " + id + "\nretry: " + retryMillis + "\ndata: \n\n");
        }
    }

    /**
     * Ends the stream on the server's initiative with a {@code retry:} field (the 2025-11-25 transport's
     * polling): the client reconnects after that many milliseconds with its {@code Last-Event-ID}.
     */
    public void retryThenEnd(long retryMillis) {
        if (ended || response.closed()) {
            return;
        }
        ended = true;
        stopKeepAlive();
        response.end("retry: " + retryMillis + "\n\n");
    }

    /** Writes a last event and ends the stream in one write. */
    public void lastEvent(String name, String data) {
        lastEvent(name, data, null);
    }

    /** The same with an SSE id (none when null). */
    public void lastEvent(String name, String data, String id) {
        if (ended || response.closed()) {
            return;
        }
        ended = true;
        stopKeepAlive();
        response.end(frame(name, data, id));
        if (stalled()) {
            watchForStall();
        }
    }

    /** Whether the stream has ended (on either side). */
    public boolean ended() {
        return ended || response.closed();
    }

    static String frame(String name, String data) {
        return frame(name, data, null);
    }

    /** {@code id} must be one line: the ids are mcp-front's own, never a client's text. */
    static String frame(String name, String data, String id) {
        StringBuilder frame = new StringBuilder(data.length() + 32 + (id == null ? 0 : id.length() + 5));
        if (id != null) {
            frame.append("id: ").append(id).append('\n');
        }
        if (name != null) {
            frame.append("event: ").append(name).append('\n');
        }
        int start = 0;
        int length = data.length();
        for (int i = 0; i < length; i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                frame.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        frame.append("data: ").append(data, start, length).append("\n\n");
        return frame.toString();
    }

    /** Ends the stream; safe to call more than once and after the client went away. */
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        stopKeepAlive();
        if (!response.closed() && !response.ended()) {
            response.end();
        }
        if (stalled()) {
            watchForStall();
        }
    }

    private void stopKeepAlive() {
        if (keepAliveTimer >= 0) {
            vertx.cancelTimer(keepAliveTimer);
            keepAliveTimer = -1;
        }
        if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
            stallTimer = -1;
        }
    }
}
