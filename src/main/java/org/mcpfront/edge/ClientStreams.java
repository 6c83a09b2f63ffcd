package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalPost;
import org.mcpfront.bus.StreamEvent;
import org.mcpfront.bus.StreamRef;

/**
 * The client streams of one edge verticle and the inbox sessions deliver to. One inbox
 * per verticle (not one consumer per stream) keeps a request from paying for a cluster-wide consumer
 * registration; a stream is only a map entry, removed when its client goes away.
 */
final class ClientStreams {

    private final Vertx vertx;
    private final LocalPost post;
    private final String inbox = Addresses.edgeInbox(UUID.randomUUID().toString());
    private final Map<String, ClientStream> streams = new HashMap<>();
    private MessageConsumer<StreamEvent> consumer;
    private long nextId;

    ClientStreams(Vertx vertx) {
        this.vertx = vertx;
        this.post = LocalPost.of(vertx);
    }

    Future<Void> start() {
        consumer = vertx.eventBus().consumer(inbox, message -> dispatch(message.body()));
        // Sessions of this JVM deliver without the bus (LocalPost); those of other members over it.
        post.receive(inbox, (event, reply) -> dispatch((StreamEvent) event));
        return consumer.completion();
    }

    Future<Void> stop() {
        post.leave(inbox);
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    StreamRef register(ClientStream stream) {
        String id = Long.toString(nextId++, 36);
        streams.put(id, stream);
        return new StreamRef(inbox, id);
    }

    /** The same stream with its resumable key ({@link org.mcpfront.bus.EventIds}). */
    static StreamRef keyed(StreamRef ref, String key) {
        return new StreamRef(ref.inbox(), ref.streamId(), key);
    }

    void unregister(StreamRef ref) {
        streams.remove(ref.streamId());
    }

    private void dispatch(StreamEvent event) {
        String id = event.streamId();
        ClientStream stream = streams.get(id);
        if (stream == null) {
            // The client went away after the session sent this; there is nobody left to tell.
            return;
        }
        if (event instanceof StreamEvent.End end) {
            streams.remove(id);
            stream.end(end.reason());
        } else if (event instanceof StreamEvent.Message delivered) {
            if (delivered.last()) {
                streams.remove(id);
            }
            stream.deliver(delivered.raw(), delivered.last(), delivered.eventId());
        }
    }
}
