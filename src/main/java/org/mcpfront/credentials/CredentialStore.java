package org.mcpfront.credentials;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.storage.Store;

/**
 * Users' service credentials in the {@link Store} (memory, or Redis when clustered): under a key derived from the
 * user's subject and the route (hashed, so a store dump does not list who connected what), the whole credential
 * sealed by the {@link CredentialCipher} for that user and route.
 */
public final class CredentialStore {

    /**
     * How long a credential is kept after it was stored or refreshed. Services' refresh tokens live for months at
     * most; a credential unused for longer would not refresh anyway.
     */
    static final Duration TTL = Duration.ofDays(180);

    private static final String KEY = "credential:";

    private final Store store;
    private final CredentialCipher cipher;

    public CredentialStore(Store store, CredentialCipher cipher) {
        this.store = store;
        this.cipher = cipher;
    }

    /** The store key of {@code subject}'s credential on {@code route}. */
    public static String key(String subject, String route) {
        return KEY + Secrets.hash(subject + "\n" + route);
    }

    public Future<Void> put(String subject, String route, ServiceCredential credential) {
        String sealed = cipher.seal(credential.toJson().encode(), subject, route);
        return store.put(key(subject, route), new JsonObject().put("sealed", sealed), TTL);
    }

    /**
     * The credential, if one is stored and opens for this user and route. One that does not open (its key was
     * removed from {@code credentials.keys}, or it was moved from another user's key) counts as none. One sealed
     * with an older key is sealed again with the first: reading it finishes its part of a rotation.
     */
    public Future<Optional<ServiceCredential>> get(String subject, String route) {
        return store.get(key(subject, route)).compose(record -> {
            String sealed = record == null ? null : record.getString("sealed");
            if (sealed == null) {
                return Future.succeededFuture(Optional.empty());
            }
            Optional<ServiceCredential> credential =
                    cipher.open(sealed, subject, route).map(json -> ServiceCredential.fromJson(new JsonObject(json)));
            if (credential.isPresent() && cipher.stale(sealed)) {
                return put(subject, route, credential.get()).map(credential);
            }
            return Future.succeededFuture(credential);
        });
    }

    public Future<Void> delete(String subject, String route) {
        return store.delete(key(subject, route));
    }
}
