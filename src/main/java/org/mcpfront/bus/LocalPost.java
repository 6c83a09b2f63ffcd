package org.mcpfront.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process way to the two addresses every MCP message meets: a session's inbox and an edge's
 * stream inbox. When the receiver lives in this JVM the message is handed to it on the receiver's own
 * context, as the event bus would, but without a message envelope, a reply address and a timeout timer
 * per request (about a tenth of a proxied call's CPU, profiled in bench/RESULTS.md). A receiver that is
 * not here is reached over the event bus as before, which is also where a cluster finds sessions of
 * other members and adopts those of a dead one.
 *
 * <p>Order is the bus's: each message is a task on the receiver's event loop, queued in sending order,
 * and a reply completes on the sender's context.
 */
public final class LocalPost implements Shareable {

    /** Something at an address of this JVM that takes messages on its own context. */
    public interface Receiver {

        /** Called on the receiver's context; {@code reply} is null for a one-way message. */
        void receive(Object body, Reply reply);
    }

    /** The answer to a request: one of the two, once. */
    public interface Reply {
        void ok(Object answer);

        void fail(int code, String reason);
    }

    private record Registered(ContextInternal context, Receiver receiver) {}

    private final ConcurrentHashMap<String, Registered> receivers = new ConcurrentHashMap<>();

    private LocalPost() {}

    /** The one of {@code vertx}. */
    public static LocalPost of(Vertx vertx) {
        LocalMap<String, LocalPost> shared = vertx.sharedData().getLocalMap(LocalPost.class.getName());
        LocalPost made = new LocalPost();
        LocalPost existing = shared.putIfAbsent("post", made);
        return existing == null ? made : existing;
    }

    /** Takes the messages for {@code address} on the calling context, until {@link #leave}. */
    public void receive(String address, Receiver receiver) {
        receivers.put(address, new Registered(ContextInternal.current(), receiver));
    }

    public void leave(String address) {
        receivers.remove(address);
    }

    /** Whether a message to {@code address} stays in this JVM. */
    public boolean isHere(String address) {
        return receivers.containsKey(address);
    }

    /** A one-way message: false when nothing at {@code address} lives here (send it over the bus then). */
    public boolean send(String address, Object body) {
        Registered at = receivers.get(address);
        if (at == null) {
            return false;
        }
        at.context().runOnContext(v -> at.receiver().receive(body, null));
        return true;
    }

    /**
     * A request to a receiver of this JVM, answered on the calling context; null when nothing at
     * {@code address} lives here. A failure is a {@link ReplyException} of {@link ReplyFailure#RECIPIENT_FAILURE},
     * as the bus would give.
     */
    public Future<Object> request(Vertx vertx, String address, Object body) {
        Registered at = receivers.get(address);
        if (at == null) {
            return null;
        }
        Promise<Object> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
        at.context()
                .runOnContext(v -> at.receiver().receive(body, new Reply() {
                    @Override
                    public void ok(Object value) {
                        answer.tryComplete(value);
                    }

                    @Override
                    public void fail(int code, String reason) {
                        answer.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, reason));
                    }
                }));
        return answer.future();
    }
}
