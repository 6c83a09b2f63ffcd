package org.mcpfront.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.identity.Identity;

@DisplayName("The pending sign-in and consent state")
class PendingStateTest {

    private static final PendingSignIn SIGN_IN = new PendingSignIn(
            "client-1",
            "http://127.0.0.1:5000/cb",
            null,
            "challenge",
            List.of("https://mcp.example.com/notion"),
            "mcp",
            "browser-hash",
            new JsonObject().put("nonce", "n-1"),
            null);

    @Test
    @DisplayName("a pending sign-in comes back from the store as it went in, with the stored field names")
    void signInRoundTrips() {
        JsonObject stored = SIGN_IN.toJson();
        assertThat(stored.getString("client_id")).isEqualTo("client-1");
        assertThat(stored.getJsonArray("aud").getList()).containsExactly("https://mcp.example.com/notion");
        assertThat(PendingSignIn.fromJson(stored)).isEqualTo(SIGN_IN);
        // Through the wire form too: the store keeps encoded JSON.
        assertThat(PendingSignIn.fromJson(new JsonObject(stored.encode()))).isEqualTo(SIGN_IN);
    }

    @Test
    @DisplayName("a pending consent keeps who signed in and the request, but not the provider's state")
    void consentRoundTrips() {
        Identity who = new Identity("sub-1", "alice@example.com", true, "example.com", "Alice");
        PendingConsent consent = SIGN_IN.signedIn(who, "csrf-hash");
        JsonObject stored = new JsonObject(consent.toJson().encode());
        assertThat(stored.containsKey("provider")).isFalse();
        assertThat(PendingConsent.fromJson(stored)).isEqualTo(consent);
        assertThat(consent.grant())
                .isEqualTo(new Grants.Grant("client-1", who, List.of("https://mcp.example.com/notion"), "mcp"));
    }
}
