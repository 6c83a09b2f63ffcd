package org.mcpfront.oauth.grants;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.mcpfront.identity.Identity;

/**
 * A signed-in user's authorization request waiting for their consent, kept in the store under the hash of
 * the consent handle. Like {@link PendingSignIn}, its JSON form is the stored one.
 *
 * @param browser hash of the browser-binding cookie that started the sign-in
 * @param csrf    hash of the consent form's CSRF token
 * @param who     who signed in (the provider verified the email, or admission would have refused it)
 */
record PendingConsent(
        String clientId,
        String redirectUri,
        String state,
        String codeChallenge,
        List<String> audience,
        String scope,
        String browser,
        String csrf,
        Identity who) {

    PendingConsent {
        audience = List.copyOf(audience);
    }

    /** The grant the user consents to. */
    Grants.Grant grant() {
        return new Grants.Grant(clientId, who, audience, scope);
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
                .put("csrf", csrf)
                .put("sub", who.subject())
                .put("email", who.email())
                .put("hd", who.hostedDomain())
                .put("name", who.name())
                .put("provider_groups", new io.vertx.core.json.JsonArray(who.groups()));
    }

    static PendingConsent fromJson(JsonObject json) {
        return new PendingConsent(
                json.getString("client_id"),
                json.getString("redirect_uri"),
                json.getString("state"),
                json.getString("code_challenge"),
                PendingSignIn.strings(json.getJsonArray("aud")),
                json.getString("scope"),
                json.getString("browser"),
                json.getString("csrf"),
                new Identity(
                        json.getString("sub"),
                        json.getString("email"),
                        true,
                        json.getString("hd"),
                        json.getString("name"),
                        json.getJsonArray("provider_groups", new io.vertx.core.json.JsonArray()).stream()
                                .map(String::valueOf)
                                .toList()));
    }
}
