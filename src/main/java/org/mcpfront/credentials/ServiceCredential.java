package org.mcpfront.credentials;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One user's credential at the service behind one route: the access token (or the pasted token), the service's
 * refresh token and the access token's expiry where the service gave them, and when the user connected.
 */
public record ServiceCredential(
        String accessToken, Optional<String> refreshToken, Optional<Instant> expiresAt, Instant connectedAt) {

    public ServiceCredential {
        refreshToken = refreshToken == null ? Optional.empty() : refreshToken;
        expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    }

    /** Whether the access token expires within {@code margin} of {@code now} (never, without an expiry). */
    public boolean expiresWithin(Duration margin, Instant now) {
        return expiresAt.map(at -> !at.isAfter(now.plus(margin))).orElse(false);
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject().put("access_token", accessToken).put("connected_at", connectedAt.toString());
        refreshToken.ifPresent(r -> json.put("refresh_token", r));
        expiresAt.ifPresent(e -> json.put("expires_at", e.toString()));
        return json;
    }

    static ServiceCredential fromJson(JsonObject json) {
        return new ServiceCredential(
                json.getString("access_token"),
                Optional.ofNullable(json.getString("refresh_token")),
                Optional.ofNullable(json.getString("expires_at")).map(Instant::parse),
                Instant.parse(json.getString("connected_at")));
    }

    /** Never the tokens. */
    @Override
    public String toString() {
        return "ServiceCredential[expiresAt=" + expiresAt.map(Instant::toString).orElse("-") + ", refreshable="
                + refreshToken.isPresent() + ", connectedAt=" + connectedAt + "]";
    }
}
