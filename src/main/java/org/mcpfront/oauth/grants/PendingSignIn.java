package org.mcpfront.oauth.grants;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.mcpfront.identity.Identity;

/**
 * An authorization request waiting for the identity provider's answer, kept in the store under the hash
 * of its sign-in handle. Its JSON form is the stored one: a change of field names strands the sign-ins
 * in flight during an upgrade.
 *
 * @param redirectUri   the registered redirect URI the answer goes to
 * @param state         the client's {@code state}, returned as it came (may be null)
 * @param codeChallenge the PKCE S256 challenge
 * @param audience      the resources the token will be for (the issuer when none was named)
 * @param browser       hash of the browser-binding cookie that started the sign-in
 * @param provider      what the identity provider keeps between its redirect and its answer
 * @param page          for a sign-in to one of mcp-front's own pages (no client, no consent): the path to return
 *                      to; null for a client's authorization request
 */
record PendingSignIn(
        String clientId,
        String redirectUri,
        String state,
        String codeChallenge,
        List<String> audience,
        String scope,
        String browser,
        JsonObject provider,
        String page) {

    PendingSignIn {
        audience = List.copyOf(audience);
    }

    /** A sign-in for one of mcp-front's pages, back at {@code returnPath} afterwards. */
    static PendingSignIn forPage(String returnPath, String browser, JsonObject provider) {
        return new PendingSignIn(null, null, null, null, List.of(), null, browser, provider, returnPath);
    }

    boolean forPage() {
        return page != null;
    }

    /** The same request after the sign-in: who signed in, and the hash of the consent form's CSRF token. */
    PendingConsent signedIn(Identity who, String csrf) {
        return new PendingConsent(clientId, redirectUri, state, codeChallenge, audience, scope, browser, csrf, who);
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("client_id", clientId)
                .put("redirect_uri", redirectUri)
                .put("state", state)
                .put("code_challenge", codeChallenge)
                .put("aud", new JsonArray(audience))
                .put("scope", scope)
                .put("browser", browser)
                .put("provider", provider)
                .put("page", page);
    }

    static PendingSignIn fromJson(JsonObject json) {
        return new PendingSignIn(
                json.getString("client_id"),
                json.getString("redirect_uri"),
                json.getString("state"),
                json.getString("code_challenge"),
                strings(json.getJsonArray("aud")),
                json.getString("scope"),
                json.getString("browser"),
                json.getJsonObject("provider", new JsonObject()),
                json.getString("page"));
    }

    static List<String> strings(JsonArray array) {
        return array == null ? List.of() : array.stream().map(String::valueOf).toList();
    }
}
