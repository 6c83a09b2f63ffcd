package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.mcpfront.bus.Addresses;
import org.mcpfront.session.SessionProtocol;
import org.mcpfront.bus.StreamRef;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The client streams of one edge verticle and the event-bus inbox sessions deliver to. One inbox
 * per verticle (not one consumer per stream) keeps a request from paying for a cluster-wide consumer
 * registration; a stream is only a map entry, removed when its client goes away.
 */
final class ClientStreams {

    private final Vertx vertx;
    private final String inbox = Addresses.edgeInbox(UUID.randomUUID().toString());
    private final Map<String, ClientStream> streams = new HashMap<>();
    private MessageConsumer<String> consumer;
    private long nextId;

    ClientStreams(Vertx vertx) {
        this.vertx = vertx;
    }

    Future<Void> start() {
        consumer = vertx.eventBus().consumer(inbox, this::dispatch);
        return consumer.completion();
    }

    Future<Void> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    StreamRef register(ClientStream stream) {
        String id = Long.toString(nextId++, 36);
        streams.put(id, stream);
        return new StreamRef(inbox, id);
    }

    void unregister(StreamRef ref) {
        streams.remove(ref.streamId());
    }


    private void dispatch(Message<String> message) {
        String id = message.headers().get(SessionProtocol.STREAM);
        ClientStream stream = id == null ? null : streams.get(id);
        if (stream == null) {
            // The client went away after the session sent this; there is nobody left to tell.
            return;
        }
        if (SessionProtocol.END.equals(message.headers().get(SessionProtocol.OP))) {
            streams.remove(id);
            stream.end(message.headers().get(SessionProtocol.REASON));
        } else {
            boolean last = "true".equals(message.headers().get(SessionProtocol.LAST));
            if (last) {
                streams.remove(id);
            }
            stream.deliver(message.body(), last);
        }
    }
}
