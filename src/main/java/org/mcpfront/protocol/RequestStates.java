package org.mcpfront.protocol;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code requestState} mcp-front itself hands a modern client when it turns a legacy backend's
 * server→client request into an input-required result. It passes through the client, so it is
 * attacker input: HMAC-SHA256 over the payload with a key every cluster member shares, bound to the
 * user, the route, the method and a digest of the request's parameters, and short-lived.
 *
 * <p>The payload itself names the session holding the backend's request and is not secret: only
 * the holder of a token for the same user and route can use it, and only on the same call.
 */
public final class RequestStates {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String PREFIX = "mf1.";

    private final byte[] key;
    private final Clock clock;

    public RequestStates(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a request-state key needs at least 256 bits");
        }
        this.key = key.clone();
        this.clock = clock;
    }

    /** What a state says, once its seal, binding and expiry checked out. */
    public record State(String session, JsonObject payload) {}

    /** A state that does not open: tampered, expired, or presented on another user, route or call. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Seals {@code payload} (what the session needs to resume) for {@code request}, made by
     * {@code subject} on {@code route}, usable for {@code ttl}.
     */
    public String seal(
            String session,
            JsonObject payload,
            String subject,
            String route,
            String method,
            JsonObject params,
            Duration ttl) {
        JsonObject body = new JsonObject()
                .put("sid", session)
                .put("sub", subject)
                .put("route", route)
                .put("m", method)
                .put("d", digest(params))
                .put("exp", clock.millis() + ttl.toMillis())
                .put("p", payload);
        String encoded = B64.encodeToString(body.encode().getBytes(StandardCharsets.UTF_8));
        return PREFIX + encoded + "." + B64.encodeToString(mac(encoded));
    }

    /** Whether {@code state} has the form of one mcp-front issued (a backend's own states pass through). */
    public static boolean isOurs(String state) {
        return state.startsWith(PREFIX);
    }

    /** Opens a state presented on a retry, checking everything it is bound to. */
    public State open(String state, String subject, String route, String method, JsonObject params) throws Invalid {
        if (state == null || !state.startsWith(PREFIX)) {
            throw new Invalid("requestState was not issued by mcp-front");
        }
        int dot = state.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            throw new Invalid("requestState is malformed");
        }
        String encoded = state.substring(PREFIX.length(), dot);
        byte[] presented;
        try {
            presented = B64D.decode(state.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new Invalid("requestState is malformed");
        }
        if (!MessageDigest.isEqual(presented, mac(encoded))) {
            throw new Invalid("requestState does not verify");
        }
        JsonObject body;
        try {
            body = new JsonObject(new String(B64D.decode(encoded), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new Invalid("requestState is malformed");
        }
        if (body.getLong("exp", 0L) < clock.millis()) {
            throw new Invalid("requestState has expired; send the request again without it");
        }
        if (!subject.equals(body.getString("sub")) || !route.equals(body.getString("route"))) {
            throw new Invalid("requestState belongs to another user or route");
        }
        if (!method.equals(body.getString("m")) || !digest(params).equals(body.getString("d"))) {
            throw new Invalid("requestState belongs to another request");
        }
        return new State(body.getString("sid"), body.getJsonObject("p"));
    }

    /** SHA-256 of the request's parameters in a canonical form, without what a retry adds or changes. */
    static String digest(JsonObject params) {
        JsonObject salient = params.copy();
        salient.remove("_meta");
        salient.remove("inputResponses");
        salient.remove("requestState");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(salient).getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** JSON with object keys sorted at every level, so that key order does not change the digest. */
    private static String canonical(Object value) {
        if (value instanceof JsonObject object) {
            TreeMap<String, Object> sorted = new TreeMap<>(object.getMap());
            StringBuilder out = new StringBuilder("{");
            sorted.forEach((k, v) -> out.append(out.length() > 1 ? "," : "")
                    .append(Json.encode(k))
                    .append(':')
                    .append(canonical(wrap(v))));
            return out.append('}').toString();
        }
        if (value instanceof JsonArray array) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < array.size(); i++) {
                out.append(i > 0 ? "," : "").append(canonical(array.getValue(i)));
            }
            return out.append(']').toString();
        }
        return Json.encode(value);
    }

    @SuppressWarnings("unchecked")
    private static Object wrap(Object value) {
        if (value instanceof Map<?, ?> map) {
            return new JsonObject((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            return new JsonArray(list);
        }
        return value;
    }

    private byte[] mac(String encoded) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(encoded.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
