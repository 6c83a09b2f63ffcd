package org.mcpfront.oauth;

import io.vertx.core.Future;
import org.mcpfront.storage.Store;

import java.time.Duration;

/**
 * Finds OAuth clients: those registered through {@code /register}, kept in the store, and those whose
 * {@code client_id} is the https URL of a client ID metadata document, fetched and cached.
 */
final class Clients {

    /** Registered clients are kept this long after registration. */
    static final Duration REGISTRATION_TTL = Duration.ofDays(365);
    private static final String CLIENT = "client:";

    private final Store store;
    private final ClientMetadataDocuments documents;

    Clients(Store store, ClientMetadataDocuments documents) {
        this.store = store;
        this.documents = documents;
    }

    /** The client, or a failure whose message says why it is unknown (fit for an error page). */
    Future<RegisteredClient> find(String clientId) {
        if (clientId == null || clientId.isBlank()) {
            return Future.failedFuture(new UnknownClient("the request has no client_id"));
        }
        if (documents.handles(clientId)) {
            return documents.resolve(clientId).recover(e -> Future.failedFuture(new UnknownClient(e.getMessage())));
        }
        return store.get(CLIENT + clientId).compose(json -> json == null
                ? Future.failedFuture(new UnknownClient("client " + clientId + " is not registered here (it may have "
                + "been registered with another server or expired); your MCP client should register again"))
                : Future.succeededFuture(RegisteredClient.fromJson(json)));
    }

    Future<Void> register(RegisteredClient client) {
        return store.put(CLIENT + client.clientId(), client.toJson(), REGISTRATION_TTL);
    }

    /** A client_id that names no client we know. */
    static final class UnknownClient extends Exception {
        UnknownClient(String message) {
            super(message, null, false, false);
        }
    }
}
