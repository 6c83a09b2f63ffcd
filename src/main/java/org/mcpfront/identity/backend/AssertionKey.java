package org.mcpfront.identity.backend;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Duration;
import org.mcpfront.storage.SharedValues;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs identity assertions for backends: EC P-256 (ES256, cheap to sign on the request path), with a
 * key id of its own ({@code assertion-...}), so that a backend can tell our assertions from our access tokens and
 * pin the key. Published at {@code /jwks.json} beside the access-token key. With Redis storage the first instance
 * to start stores it and every instance uses the stored one, as with the access-token key.
 */
public final class AssertionKey {

    private static final Logger log = LoggerFactory.getLogger(AssertionKey.class);
    static final String STORE_KEY = "assertion-signing-key";
    private static final Duration SHARED_KEY_TTL = Duration.ofDays(3650);

    private final ECKey key;
    private final ECDSASigner signer;

    AssertionKey(ECKey key) {
        this.key = key;
        try {
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the assertion key cannot sign: " + e.getMessage(), e);
        }
    }

    /** A key made for this process only (memory storage: one instance). */
    public static AssertionKey generated() {
        return new AssertionKey(generate());
    }

    /** The key every instance sharing {@code store} uses. */
    public static Future<AssertionKey> shared(Vertx vertx, Store store) {
        return SharedValues.getOrMake(
                        store,
                        STORE_KEY,
                        SHARED_KEY_TTL,
                        () -> vertx.executeBlocking(AssertionKey::generate)
                                .map(key -> new JsonObject(key.toJSONString())),
                        fresh -> log.atInfo()
                                .addKeyValue("kid", fresh.getString("kid"))
                                .log("generated the cluster's assertion key"))
                .map(json -> {
                    try {
                        return new AssertionKey(ECKey.parse(json.encode()));
                    } catch (ParseException e) {
                        throw new IllegalStateException(
                                "the stored assertion key is not an EC JWK: " + e.getMessage(), e);
                    }
                });
    }

    private static ECKey generate() {
        try {
            ECKey fresh = new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            return new ECKey.Builder(fresh)
                    .keyID("assertion-" + fresh.computeThumbprint())
                    .build();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an EC key: " + e.getMessage(), e);
        }
    }

    String keyId() {
        return key.getKeyID();
    }

    ECDSASigner signer() {
        return signer;
    }

    /** The public part, for the JWK set at {@code /jwks.json}. */
    public JWK publicJwk() {
        return key.toPublicJWK();
    }

    /** The public part as a JWK object. */
    public JsonObject publicJson() {
        return new JsonObject(key.toPublicJWK().toJSONString());
    }
}
