package org.mcpfront.testing;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.mcpfront.transport.SseParser;

/**
 * A raw SSE client for tests that cut a stream at an exact event and resume it: reads events (ids,
 * data, retry fields) as they arrive, and closes its connection when told, as a lost network would.
 */
public final class SseReader implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Marks the end of the stream in the queue. */
    private static final SseParser.Event END = new SseParser.Event("end", "", null, null);

    private final HttpResponse<InputStream> response;
    private final LinkedBlockingQueue<SseParser.Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseReader(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends {@code request} (no timeout on the body: the stream stays open) and reads its events. */
    public static SseReader open(HttpRequest.Builder request) {
        try {
            return new SseReader(CLIENT.send(
                    request.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    private void read() {
        SseParser parser = new SseParser(Integer.MAX_VALUE, events::add);
        byte[] chunk = new byte[8192];
        try (InputStream in = response.body()) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                parser.feed(Buffer.buffer().appendBytes(chunk, 0, n));
            }
        } catch (IOException closed) {
            // Closed by this reader, or by the server: the end either way.
        }
        ended = true;
        events.add(END);
    }

    /** The next event (priming events included: they carry an id and no data), or an error after 30 s. */
    public SseParser.Event next() {
        try {
            SseParser.Event event = events.poll(30, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no event within 30 s");
            }
            if (event == END) {
                events.add(END);
                throw new AssertionError("the stream ended");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Every event until the server ends the stream (fails after 30 s without one). */
    public List<SseParser.Event> rest() {
        List<SseParser.Event> rest = new ArrayList<>();
        while (true) {
            try {
                SseParser.Event event = events.poll(30, TimeUnit.SECONDS);
                if (event == null) {
                    throw new AssertionError("the stream did not end within 30 s; so far: " + rest);
                }
                if (event == END) {
                    events.add(END);
                    return rest;
                }
                rest.add(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    public boolean ended() {
        return ended;
    }

    /** Drops the connection, as a lost network or a proxy would. */
    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
    }
}
