package org.mcpfront.session;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.mcpfront.bus.EventIds;
import org.mcpfront.bus.SessionCommand.Resumed;
import org.mcpfront.bus.StreamEvent;
import org.mcpfront.bus.StreamRef;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resumable client streams of one session (the 2025-11-25 transport's resumability): every message
 * the session sends on a resumable stream gets its event id here ({@link EventIds}), is kept in a
 * bounded buffer, and goes to whichever connection holds the stream now. A client that lost its
 * connection reconnects with {@code Last-Event-ID} (to any instance: the session is found through the
 * event bus by the id) and gets exactly what it missed, in order, once, then live events.
 *
 * <p>Each stream keeps at most {@link #MAX_EVENTS} events and {@link #MAX_STREAM_BYTES} of them, the
 * session at most {@link #MAX_STREAMS} streams and {@link #MAX_SESSION_BYTES} (finished streams go
 * first). In a cluster every event is also appended to a list in the store ({@code stream:<key>},
 * trimmed to the same bound, living for the session's idle timeout), so that the stream can still be
 * resumed when the instance that kept the session is gone and another one adopts it. The append is
 * asynchronous and does not hold the message back: what the client gets waits for no store.
 *
 * <p>Confined to the session's event loop, like the session.
 */
final class StreamBuffers {

    private static final Logger log = LoggerFactory.getLogger(StreamBuffers.class);
    static final int MAX_EVENTS = 500;
    static final long MAX_STREAM_BYTES = 1024L * 1024;
    static final int MAX_STREAMS = 64;
    static final long MAX_SESSION_BYTES = 4L * 1024 * 1024;
    /** What an event costs besides its text: the deque node and the record. */
    private static final long EVENT_OVERHEAD = 64;

    private static final String STORE_PREFIX = "stream:";

    private final String route;
    private final String sessionId;
    private final Store store;
    private final Duration ttl;
    private final BiConsumer<StreamRef, StreamEvent.Message> deliver;
    /** By key, oldest first. */
    private final LinkedHashMap<String, Buffer> streams = new LinkedHashMap<>();

    private long bytes;
    private boolean storeWarned;

    /**
     * @param store   where events are kept for another instance too (a cluster), or null on one instance
     * @param ttl     how long a stream's events stay in the store after its last one: the session's idle timeout
     * @param deliver sends a message to a connection (an edge inbox)
     */
    StreamBuffers(
            String route,
            String sessionId,
            Store store,
            Duration ttl,
            BiConsumer<StreamRef, StreamEvent.Message> deliver) {
        this.route = route;
        this.sessionId = sessionId;
        this.store = store;
        this.ttl = ttl;
        this.deliver = deliver;
    }

    /** One event a stream sent. */
    private record Sent(long seq, String raw, boolean last) {
        long size() {
            return EVENT_OVERHEAD + 2L * raw.length();
        }
    }

    private static final class Buffer {
        final String key;
        /** The connection that takes live events, or null while no client holds the stream. */
        StreamRef target;

        long nextSeq = 1;
        final ArrayDeque<Sent> sent = new ArrayDeque<>();
        long bytes;
        /** Its last event went out: a POST's stream that has its response. */
        boolean complete;
        /** Being read back from the store (an adopted session); messages wait in {@link #queued}. */
        Future<Void> loading;

        final List<Sent> queued = new ArrayList<>();

        Buffer(String key, StreamRef target) {
            this.key = key;
            this.target = target;
        }
    }

    /**
     * Sends {@code raw} on {@code stream}: with an id, kept for a resume, to the connection that holds
     * the stream now (none while its client is away: then it is only kept). A stream that cannot be
     * resumed gets it as it is.
     */
    void send(StreamRef stream, String raw, boolean last) {
        if (!stream.resumable()) {
            deliver.accept(stream, new StreamEvent.Message(stream.streamId(), raw, last));
            return;
        }
        Buffer buffer = streams.computeIfAbsent(stream.key(), key -> new Buffer(key, stream));
        if (buffer.loading != null) {
            buffer.queued.add(new Sent(0, raw, last));
            return;
        }
        emit(buffer, raw, last);
    }

    private void emit(Buffer buffer, String raw, boolean last) {
        Sent sent = new Sent(buffer.nextSeq++, raw, last);
        keep(buffer, sent);
        if (last) {
            buffer.complete = true;
        }
        if (buffer.target != null) {
            deliver.accept(buffer.target, message(buffer, buffer.target, sent));
        }
    }

    private static StreamEvent.Message message(Buffer buffer, StreamRef to, Sent sent) {
        return new StreamEvent.Message(to.streamId(), sent.raw(), sent.last(), EventIds.id(buffer.key, sent.seq()));
    }

    private void keep(Buffer buffer, Sent sent) {
        buffer.sent.addLast(sent);
        buffer.bytes += sent.size();
        bytes += sent.size();
        while (buffer.sent.size() > MAX_EVENTS || buffer.bytes > MAX_STREAM_BYTES && buffer.sent.size() > 1) {
            Sent dropped = buffer.sent.pollFirst();
            buffer.bytes -= dropped.size();
            bytes -= dropped.size();
        }
        if (store != null) {
            store.append(STORE_PREFIX + buffer.key, encode(sent), buffer.sent.size(), ttl)
                    .onFailure(this::storeFailed);
        }
        evictStreams(buffer);
    }

    /**
     * Past the session's bounds, forgets whole streams: finished ones first, then the oldest; never {@code current}.
     */
    private void evictStreams(Buffer current) {
        if (streams.size() <= MAX_STREAMS && bytes <= MAX_SESSION_BYTES) {
            return; // nearly always: nothing to walk
        }
        for (boolean finishedOnly : new boolean[] {true, false}) {
            Iterator<Map.Entry<String, Buffer>> it = streams.entrySet().iterator();
            while ((streams.size() > MAX_STREAMS || bytes > MAX_SESSION_BYTES) && it.hasNext()) {
                Buffer buffer = it.next().getValue();
                if (buffer != current && buffer.loading == null && (buffer.complete || !finishedOnly)) {
                    it.remove();
                    bytes -= buffer.bytes;
                }
            }
        }
    }

    /** The connection that holds {@code stream} now (null: none); a stream that cannot be resumed is its own. */
    StreamRef target(StreamRef stream) {
        if (!stream.resumable()) {
            return stream;
        }
        Buffer buffer = streams.get(stream.key());
        return buffer == null ? stream : buffer.target;
    }

    /**
     * The connection {@code connection} went away. True when it held a resumable stream, whose events
     * are kept from now on for the client to resume; false when what it would have got is lost.
     */
    boolean detached(StreamRef connection) {
        if (connection == null || !connection.resumable()) {
            return false;
        }
        Buffer buffer = streams.computeIfAbsent(connection.key(), key -> new Buffer(key, connection));
        if (connection.equals(buffer.target)) {
            buffer.target = null;
        }
        return true;
    }

    /** Whether a client holds {@code stream} now: false while it is away (its events are only kept). */
    boolean held(StreamRef stream) {
        return target(stream) != null;
    }

    /** Forgets a stream whose connection went for good (the session let it go). */
    void forget(StreamRef stream) {
        if (stream != null && stream.resumable()) {
            Buffer buffer = streams.remove(stream.key());
            if (buffer != null) {
                bytes -= buffer.bytes;
            }
        }
    }

    /**
     * {@code to} takes over the stream {@code key} after event {@code after}: what the client missed is
     * sent to it at once, in order, then live events. Reads the store when this session does not know
     * the stream (it was adopted from a lost instance).
     */
    Future<Resumed> resume(String key, long after, StreamRef to) {
        Buffer known = streams.get(key);
        if (known == null && store != null) {
            known = new Buffer(key, null);
            streams.put(key, known);
            load(known);
        }
        if (known == null) {
            return Future.succeededFuture(Resumed.UNKNOWN);
        }
        Buffer buffer = known;
        Future<Void> ready = buffer.loading == null ? Future.succeededFuture() : buffer.loading;
        return ready.map(v -> {
            if (buffer.nextSeq == 1 && buffer.sent.isEmpty() && !streams.containsKey(key)) {
                return Resumed.UNKNOWN;
            }
            return replay(buffer, after, to);
        });
    }

    private Resumed replay(Buffer buffer, long after, StreamRef to) {
        List<Sent> missed = new ArrayList<>();
        for (Sent sent : buffer.sent) {
            if (sent.seq() > after) {
                missed.add(sent);
            }
        }
        long oldest =
                buffer.sent.isEmpty() ? buffer.nextSeq : buffer.sent.peekFirst().seq();
        if (oldest > after + 1) {
            log.atWarn()
                    .addKeyValue("route", route)
                    .addKeyValue("session", sessionId)
                    .addKeyValue("stream", buffer.key)
                    .addKeyValue("from", after + 1)
                    .addKeyValue("kept_from", oldest)
                    .log("a resuming client missed more events than the stream keeps; the oldest are lost to it");
        }
        if (after >= buffer.nextSeq) {
            // Ids this session never handed out (the store lost the last appends with the instance that
            // made them): go on after them, so that no id is used twice.
            buffer.nextSeq = after + 1;
        }
        if (missed.isEmpty() && buffer.complete) {
            return Resumed.COMPLETE;
        }
        buffer.target = to;
        for (Sent sent : missed) {
            deliver.accept(to, message(buffer, to, sent));
        }
        return Resumed.REPLAYING;
    }

    /** Reads a stream back from the store, then sends what waited meanwhile. */
    private void load(Buffer buffer) {
        Promise<Void> loaded = Promise.promise();
        // Set before the read: a store may answer at once, within this call.
        buffer.loading = loaded.future();
        store.range(STORE_PREFIX + buffer.key, 0).onComplete(read -> {
            buffer.loading = null;
            List<String> values = read.succeeded() ? read.result() : List.of();
            if (read.failed()) {
                storeFailed(read.cause());
            }
            if (values.isEmpty() && buffer.queued.isEmpty()) {
                streams.remove(buffer.key);
            }
            for (String value : values) {
                Sent sent = decode(value);
                if (sent != null && sent.seq() >= buffer.nextSeq) {
                    buffer.sent.addLast(sent);
                    buffer.bytes += sent.size();
                    bytes += sent.size();
                    buffer.nextSeq = sent.seq() + 1;
                    buffer.complete = sent.last();
                }
            }
            for (Sent waiting : buffer.queued) {
                emit(buffer, waiting.raw(), waiting.last());
            }
            buffer.queued.clear();
            loaded.complete();
        });
    }

    /** {@code <seq> <L|-> <raw>}: cheap to write on every event, and the raw text stays as it was. */
    static String encode(Sent sent) {
        return sent.seq() + (sent.last() ? " L " : " - ") + sent.raw();
    }

    private static Sent decode(String value) {
        int space = value.indexOf(' ');
        if (space < 1 || value.length() < space + 3) {
            return null;
        }
        try {
            return new Sent(
                    Long.parseLong(value.substring(0, space)),
                    value.substring(space + 3),
                    value.charAt(space + 1) == 'L');
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void storeFailed(Throwable cause) {
        if (!storeWarned) {
            storeWarned = true;
            log.atWarn()
                    .addKeyValue("route", route)
                    .addKeyValue("session", sessionId)
                    .addKeyValue("problem", String.valueOf(cause.getMessage()))
                    .log("could not keep stream events in the store; a resume on another instance may miss some");
        }
    }
}
