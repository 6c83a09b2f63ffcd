package org.mcpfront.edge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines for what a client sends, so that a connection cannot be held by sending slowly: a new
 * connection's first request head must arrive within the read timeout, a kept-alive connection's next
 * head within the idle timeout of its last response, and each request body within the read timeout of
 * its head. Vert.x's idle timeout alone would not do: any byte, however slow, resets it.
 *
 * <p>What the client receives is not bounded here: an SSE stream whose request is complete can stay
 * open for as long as it lasts (its keep-alives keep the connection from going idle). One sweep a
 * second per edge looks at the connections it serves; everything runs on the edge's event loop.
 */
final class ReadDeadlines {

    private static final Logger log = LoggerFactory.getLogger(ReadDeadlines.class);

    private final Vertx vertx;
    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Map<HttpConnection, Waiting> connections = new HashMap<>();
    private long sweeper = -1;

    /** One connection: its requests in flight, and since when it waits for a request head (if it does). */
    private static final class Waiting {
        final List<InFlight> requests = new ArrayList<>();
        long waitingSince;
        long limitNanos;

        Waiting(long now, long limitNanos) {
            this.waitingSince = now;
            this.limitNanos = limitNanos;
        }
    }

    private record InFlight(HttpServerRequest request, long headAt) {}

    ReadDeadlines(Vertx vertx, Duration readTimeout, Duration idleTimeout) {
        this.vertx = vertx;
        this.readTimeoutNanos = readTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    void start() {
        long interval =
                Math.max(100, Math.min(1_000, Duration.ofNanos(readTimeoutNanos).toMillis() / 4));
        sweeper = vertx.setPeriodic(interval, id -> sweep());
    }

    void stop() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        connections.clear();
    }

    void opened(HttpConnection connection) {
        connections.put(connection, new Waiting(System.nanoTime(), readTimeoutNanos));
        connection.closeHandler(v -> connections.remove(connection));
    }

    void request(HttpServerRequest request) {
        Waiting waiting = connections.get(request.connection());
        if (waiting != null) {
            waiting.requests.add(new InFlight(request, System.nanoTime()));
            waiting.waitingSince = -1;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        List<HttpConnection> expired = new ArrayList<>();
        for (Map.Entry<HttpConnection, Waiting> entry : connections.entrySet()) {
            Waiting waiting = entry.getValue();
            for (Iterator<InFlight> it = waiting.requests.iterator(); it.hasNext(); ) {
                InFlight inFlight = it.next();
                HttpServerResponse response = inFlight.request().response();
                if (response.ended() || response.closed()) {
                    it.remove();
                } else if (!inFlight.request().isEnded() && now - inFlight.headAt() > readTimeoutNanos) {
                    bodyTooSlow(inFlight.request());
                    expired.add(entry.getKey());
                }
            }
            if (waiting.requests.isEmpty()) {
                if (waiting.waitingSince < 0) {
                    // The last response ended since the previous sweep: the next request may take the idle timeout.
                    waiting.waitingSince = now;
                    waiting.limitNanos = idleTimeoutNanos;
                } else if (now - waiting.waitingSince > waiting.limitNanos) {
                    log.atDebug()
                            .addKeyValue("remote", String.valueOf(entry.getKey().remoteAddress()))
                            .log("closed a connection that sent no complete request in time");
                    expired.add(entry.getKey());
                }
            }
        }
        for (HttpConnection connection : expired) {
            connections.remove(connection);
            connection.close();
        }
    }

    private void bodyTooSlow(HttpServerRequest request) {
        log.atInfo()
                .addKeyValue("path", request.path())
                .addKeyValue("read_timeout_ms", readTimeoutNanos / 1_000_000)
                .log("closed a connection whose request body did not arrive in time");
        HttpServerResponse response = request.response();
        if (!response.headWritten()) {
            response.setStatusCode(408)
                    .putHeader("Connection", "close")
                    .putHeader("Content-Type", "text/plain")
                    .end("Request timeout: the request body did not arrive within " + readTimeoutNanos / 1_000_000_000
                            + " s\n");
        }
    }
}
