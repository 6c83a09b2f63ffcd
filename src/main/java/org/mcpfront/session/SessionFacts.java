package org.mcpfront.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.StreamRef;

/**
 * What another instance needs to carry a session on when the one that owns it dies: kept in the store
 * under {@link #key} for the session's idle timeout, removed when the session ends.
 *
 * @param route             the route's path; the adopting instance uses its own settings for it
 * @param protocolVersion   the version the client and backend agreed, or null before initialize's answer
 * @param initialize        the client's {@code initialize} request as it arrived, or null before it
 * @param initialized       whether the client said {@code notifications/initialized}
 * @param upstreamSessionId the Streamable HTTP backend's session id, or null
 * @param standalone        the client stream that takes server-initiated messages, or null
 * @param node              the instance that owns the session now
 * @param epoch             how many times it was adopted: each adoption claims the next one, once
 */
public record SessionFacts(
        String id,
        String route,
        SessionOwner owner,
        ClientTransport clientTransport,
        String protocolVersion,
        String initialize,
        boolean initialized,
        String upstreamSessionId,
        StreamRef standalone,
        String node,
        int epoch) {

    private static final String PREFIX = "session:";

    public static String key(String sessionId) {
        return PREFIX + sessionId;
    }

    /** The key whose {@code putIfAbsent} makes one instance, and only one, the adopter of this epoch. */
    public static String claimKey(String sessionId, int epoch) {
        return PREFIX + sessionId + ":adopted:" + epoch;
    }

    public SessionFacts withInitialize(String raw) {
        return new SessionFacts(
                id,
                route,
                owner,
                clientTransport,
                protocolVersion,
                raw,
                initialized,
                upstreamSessionId,
                standalone,
                node,
                epoch);
    }

    public SessionFacts withInitialized() {
        return new SessionFacts(
                id,
                route,
                owner,
                clientTransport,
                protocolVersion,
                initialize,
                true,
                upstreamSessionId,
                standalone,
                node,
                epoch);
    }

    public SessionFacts withProtocolVersion(String version) {
        return new SessionFacts(
                id,
                route,
                owner,
                clientTransport,
                version,
                initialize,
                initialized,
                upstreamSessionId,
                standalone,
                node,
                epoch);
    }

    public SessionFacts withUpstreamSessionId(String upstream) {
        return new SessionFacts(
                id,
                route,
                owner,
                clientTransport,
                protocolVersion,
                initialize,
                initialized,
                upstream,
                standalone,
                node,
                epoch);
    }

    public SessionFacts withStandalone(StreamRef stream) {
        return new SessionFacts(
                id,
                route,
                owner,
                clientTransport,
                protocolVersion,
                initialize,
                initialized,
                upstreamSessionId,
                stream,
                node,
                epoch);
    }

    /** The same session, owned by {@code newNode} from the next epoch on. */
    public SessionFacts adoptedBy(String newNode) {
        return new SessionFacts(
                id,
                route,
                owner,
                clientTransport,
                protocolVersion,
                initialize,
                initialized,
                upstreamSessionId,
                standalone,
                newNode,
                epoch + 1);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("id", id)
                .put("route", route)
                .put("subject", owner.subject())
                .put("email", owner.email())
                .put("client_id", owner.clientId())
                .put("groups", new JsonArray(owner.groups()))
                .put("client_transport", clientTransport.name())
                .put("protocol_version", protocolVersion)
                .put("initialize", initialize)
                .put("initialized", initialized)
                .put("upstream_session_id", upstreamSessionId)
                .put("node", node)
                .put("epoch", epoch);
        if (standalone != null) {
            json.put("standalone_inbox", standalone.inbox())
                    .put("standalone_stream", standalone.streamId())
                    .put("standalone_key", standalone.key());
        }
        return json;
    }

    public static SessionFacts fromJson(JsonObject json) {
        String inbox = json.getString("standalone_inbox");
        return new SessionFacts(
                json.getString("id"),
                json.getString("route"),
                new SessionOwner(
                        json.getString("subject"),
                        json.getString("email"),
                        json.getString("client_id"),
                        json.getJsonArray("groups", new JsonArray()).stream()
                                .map(String::valueOf)
                                .toList()),
                ClientTransport.valueOf(json.getString("client_transport")),
                json.getString("protocol_version"),
                json.getString("initialize"),
                json.getBoolean("initialized", false),
                json.getString("upstream_session_id"),
                inbox == null
                        ? null
                        : new StreamRef(inbox, json.getString("standalone_stream"), json.getString("standalone_key")),
                json.getString("node"),
                json.getInteger("epoch", 0));
    }
}
