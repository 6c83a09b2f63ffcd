package org.mcpfront.oauth.clients;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * A client the authorization server knows: registered through {@code /register} (RFC 7591), or
 * described by the metadata document its https {@code client_id} points to (MCP 2025-11-25).
 *
 * @param clientId                the client id (random for registered clients, the document URL otherwise)
 * @param clientName              what the consent page calls it (may be null: the page then shows the redirect host)
 * @param redirectUris            exact redirect URIs the client may use
 * @param tokenEndpointAuthMethod {@code none} for public clients, {@code client_secret_basic} or {@code
 * client_secret_post}
 * @param clientSecretHash        SHA-256 of the secret (base64url), or null for public clients
 * @param metadataDocument        true when the client came from a client ID metadata document
 */
public record RegisteredClient(
        String clientId,
        String clientName,
        List<String> redirectUris,
        String tokenEndpointAuthMethod,
        String clientSecretHash,
        boolean metadataDocument) {

    /**
     * What a client may list: a real one needs one or two redirect URIs of a few dozen characters; the
     * bounds keep what strangers can make the server store (or cache) small.
     */
    static final int MAX_REDIRECT_URIS = 10;

    static final int MAX_REDIRECT_URI_LENGTH = 1000;

    public RegisteredClient {
        redirectUris = List.copyOf(redirectUris);
    }

    /** Where plain-http redirect URIs may point (RFC 8252 §7.3): this machine, by name or loopback address. */
    public static boolean isLoopbackHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }

    public boolean isPublic() {
        return "none".equals(tokenEndpointAuthMethod);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("client_id", clientId)
                .put("client_name", clientName)
                .put("redirect_uris", new JsonArray(redirectUris))
                .put("token_endpoint_auth_method", tokenEndpointAuthMethod)
                .put("client_secret_hash", clientSecretHash)
                .put("metadata_document", metadataDocument);
    }

    public static RegisteredClient fromJson(JsonObject json) {
        return new RegisteredClient(
                json.getString("client_id"),
                json.getString("client_name"),
                json.getJsonArray("redirect_uris", new JsonArray()).stream()
                        .map(String::valueOf)
                        .toList(),
                json.getString("token_endpoint_auth_method", "none"),
                json.getString("client_secret_hash"),
                json.getBoolean("metadata_document", false));
    }
}
