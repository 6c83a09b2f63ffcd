package org.mcpfront.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mcpfront.access.Visibility;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;

/**
 * The one codec of every message mcp-front puts on the event bus. Within one JVM the object itself is
 * handed over: a message is parsed once, at the edge, and nothing is copied. Across the cluster a
 * message travels compactly, its JSON-RPC text as the raw text it arrived as, and is parsed once on
 * arrival. Messages that never leave the JVM ({@link #LOCAL}, sent through {@link LocalOnly}) refuse
 * the wire.
 *
 * <p>Sharing an object between two event loops is safe: the sender does not touch a message after
 * sending it, and the event bus hand-over orders the sender's writes before the receiver's reads.
 *
 * <p>Vert.x keys a default codec by class and by name, so each type gets its own instance, named
 * after it: the name on the wire tells the receiving member what to decode.
 */
public final class BusCodec<T> implements MessageCodec<T, T> {

    /** Types that cross the cluster: edge ↔ session. */
    static final List<Class<?>> WIRE = List.of(
            JsonRpcMessage.class,
            SessionCommand.Deliver.class,
            SessionCommand.Attach.class,
            SessionCommand.Detach.class,
            SessionCommand.Close.class,
            SessionCommand.Evict.class,
            SessionCommand.Resume.class,
            SessionCommand.Flow.class,
            StreamEvent.Message.class,
            StreamEvent.End.class);
    /** Types that stay in the JVM: supervisor requests, session notices, config changes. */
    static final List<Class<?>> LOCAL =
            List.of(SessionSpec.class, SessionEnded.class, SessionAdopt.class, FrontConfig.class);

    private static final String PREFIX = "mcp-front.";

    private final Class<T> type;

    BusCodec(Class<T> type) {
        this.type = type;
    }

    /** Makes this the codec of every bus message type on {@code vertx}; once, when mcp-front starts. */
    public static void register(Vertx vertx) {
        WIRE.forEach(type -> registerDefault(vertx, type));
        LOCAL.forEach(type -> registerDefault(vertx, type));
    }

    private static <T> void registerDefault(Vertx vertx, Class<T> type) {
        vertx.eventBus().registerDefaultCodec(type, new BusCodec<>(type));
    }

    @Override
    public void encodeToWire(Buffer buffer, T body) {
        Writer out = new Writer(buffer);
        if (body instanceof JsonRpcMessage message) {
            out.string(message.raw());
        } else if (body instanceof SessionCommand.Deliver deliver) {
            out.string(deliver.owner()).string(deliver.message().raw()).stream(deliver.stream())
                    .bool(deliver.jsonOnly())
                    .string(
                            deliver.paramHeaders() == null
                                    ? null
                                    : deliver.paramHeaders().encode())
                    .string(
                            deliver.visibility().hidesNothing()
                                    ? null
                                    : deliver.visibility().encode());
        } else if (body instanceof SessionCommand.Attach attach) {
            out.string(attach.owner()).stream(attach.stream());
        } else if (body instanceof SessionCommand.Detach detach) {
            out.string(detach.owner()).stream(detach.stream());
        } else if (body instanceof SessionCommand.Close close) {
            out.string(close.owner()).string(close.reason());
        } else if (body instanceof SessionCommand.Evict evict) {
            out.string(evict.reason());
        } else if (body instanceof SessionCommand.Resume resume) {
            out.string(resume.owner()).string(resume.lastEventId()).stream(resume.stream());
        } else if (body instanceof SessionCommand.Flow flow) {
            out.string(flow.owner()).stream(flow.stream()).bool(flow.full());
        } else if (body instanceof StreamEvent.Message message) {
            out.string(message.streamId())
                    .string(message.raw())
                    .bool(message.last())
                    .string(message.eventId());
        } else if (body instanceof StreamEvent.End end) {
            out.string(end.streamId()).string(end.reason());
        } else {
            throw localOnly();
        }
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        Reader in = new Reader(buffer, pos);
        Object body;
        if (type == JsonRpcMessage.class) {
            body = in.message();
        } else if (type == SessionCommand.Deliver.class) {
            String owner = in.string();
            JsonRpcMessage message = in.message();
            StreamRef stream = in.stream();
            boolean jsonOnly = in.bool();
            String paramHeaders = in.string();
            String visibility = in.string();
            body = new SessionCommand.Deliver(
                    owner,
                    message,
                    stream,
                    jsonOnly,
                    paramHeaders == null ? null : new JsonObject(paramHeaders),
                    visibility == null ? Visibility.ALL : Visibility.decode(visibility));
        } else if (type == SessionCommand.Attach.class) {
            body = new SessionCommand.Attach(in.string(), in.stream());
        } else if (type == SessionCommand.Detach.class) {
            body = new SessionCommand.Detach(in.string(), in.stream());
        } else if (type == SessionCommand.Close.class) {
            body = new SessionCommand.Close(in.string(), in.string());
        } else if (type == SessionCommand.Evict.class) {
            body = new SessionCommand.Evict(in.string());
        } else if (type == SessionCommand.Resume.class) {
            body = new SessionCommand.Resume(in.string(), in.string(), in.stream());
        } else if (type == SessionCommand.Flow.class) {
            body = new SessionCommand.Flow(in.string(), in.stream(), in.bool());
        } else if (type == StreamEvent.Message.class) {
            body = new StreamEvent.Message(in.string(), in.string(), in.bool(), in.string());
        } else if (type == StreamEvent.End.class) {
            body = new StreamEvent.End(in.string(), in.string());
        } else {
            throw localOnly();
        }
        return type.cast(body);
    }

    private IllegalStateException localOnly() {
        return new IllegalStateException(type.getName() + " is local-only and cannot cross the cluster");
    }

    @Override
    public T transform(T body) {
        return body;
    }

    /** Short, since a clustered message carries it: {@code mcp-front.SessionCommand$Deliver}. */
    @Override
    public String name() {
        return PREFIX + type.getName().substring(type.getPackageName().length() + 1);
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }

    /** Appends fields: a string as its UTF-8 length (-1 for null) and bytes. */
    private record Writer(Buffer buffer) {

        Writer string(String value) {
            if (value == null) {
                buffer.appendInt(-1);
            } else {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                buffer.appendInt(bytes.length).appendBytes(bytes);
            }
            return this;
        }

        Writer bool(boolean value) {
            buffer.appendByte(value ? (byte) 1 : (byte) 0);
            return this;
        }

        /** A stream as its inbox, id and key; null as a null inbox. */
        Writer stream(StreamRef stream) {
            return stream == null
                    ? string(null)
                    : string(stream.inbox()).string(stream.streamId()).string(stream.key());
        }
    }

    /** Reads what {@link Writer} appended, in the same order. */
    private static final class Reader {
        private final Buffer buffer;
        private int pos;

        Reader(Buffer buffer, int pos) {
            this.buffer = buffer;
            this.pos = pos;
        }

        String string() {
            int length = buffer.getInt(pos);
            pos += 4;
            if (length < 0) {
                return null;
            }
            String value = buffer.getString(pos, pos + length, StandardCharsets.UTF_8.name());
            pos += length;
            return value;
        }

        boolean bool() {
            return buffer.getByte(pos++) != 0;
        }

        StreamRef stream() {
            String inbox = string();
            return inbox == null ? null : new StreamRef(inbox, string(), string());
        }

        JsonRpcMessage message() {
            String raw = string();
            try {
                return JsonRpcMessage.parse(raw);
            } catch (JsonRpcException e) {
                // The sending member parsed these very bytes; failing here means the wire is broken.
                throw new IllegalStateException(
                        "a JSON-RPC message from another member does not parse: " + e.getMessage(), e);
            }
        }
    }
}
