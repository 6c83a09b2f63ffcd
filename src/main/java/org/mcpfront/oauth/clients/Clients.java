package org.mcpfront.oauth.clients;

import io.vertx.core.Future;
import java.time.Duration;
import org.mcpfront.storage.Store;

/**
 * Finds OAuth clients: those registered through {@code /register}, kept in the store, and those whose
 * {@code client_id} is the https URL of a client ID metadata document, fetched and cached.
 */
public final class Clients {

    /** A registered client with which a sign-in completed is kept this long after its latest one. */
    static final Duration REGISTRATION_TTL = Duration.ofDays(365);

    private static final String CLIENT = "client:";

    private final Store store;
    private final ClientMetadataDocuments documents;
    private final Duration unusedTtl;

    /** {@code unusedTtl}: how long a registration is kept before any sign-in with it completes. */
    public Clients(Store store, ClientMetadataDocuments documents, Duration unusedTtl) {
        this.store = store;
        this.documents = documents;
        this.unusedTtl = unusedTtl;
    }

    /** The client, or a failure whose message says why it is unknown (fit for an error page). */
    public Future<RegisteredClient> find(String clientId) {
        if (clientId == null || clientId.isBlank()) {
            return Future.failedFuture(new UnknownClient("the request has no client_id"));
        }
        if (documents.handles(clientId)) {
            return documents.resolve(clientId).recover(e -> Future.failedFuture(new UnknownClient(e.getMessage())));
        }
        return store.get(CLIENT + clientId)
                .compose(json -> json == null
                        ? Future.failedFuture(
                                new UnknownClient("client " + clientId + " is not registered here (it may have "
                                        + "been registered with another server or expired); your MCP client "
                                        + "should register again"))
                        : Future.succeededFuture(RegisteredClient.fromJson(json)));
    }

    /** Keeps a new registration for the unused-client lifetime: anyone may register, few follow through. */
    Future<Void> register(RegisteredClient client) {
        return store.put(CLIENT + client.clientId(), client.toJson(), unusedTtl);
    }

    /**
     * A sign-in with {@code clientId} completed: a registered client is kept for {@link #REGISTRATION_TTL}
     * from now (client ID metadata documents are fetched, not kept).
     */
    public Future<Void> used(String clientId) {
        if (documents.handles(clientId)) {
            return Future.succeededFuture();
        }
        return store.get(CLIENT + clientId)
                .compose(json ->
                        json == null ? Future.succeededFuture() : store.put(CLIENT + clientId, json, REGISTRATION_TTL));
    }

    /** A client_id that names no client we know. */
    public static final class UnknownClient extends Exception {
        UnknownClient(String message) {
            super(message, null, false, false);
        }
    }
}
