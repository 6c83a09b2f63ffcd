package org.mcpfront.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.storage.SharedValues;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs our access tokens. From {@code oauth.signing_key_file} (a private JWK, RSA or
 * EC P-256, or a PKCS#8 PEM RSA key) when configured; otherwise generated: in memory storage once
 * per start, in Redis storage once for the whole cluster and shared through Redis, so that every
 * instance verifies every other's tokens and a restart keeps them valid.
 */
public final class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    static final String STORE_KEY = "signing-key";
    private static final Duration SHARED_KEY_TTL = Duration.ofDays(3650);

    private final JWK key;
    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private final JsonObject publicJwks;

    SigningKeys(JWK key) {
        if (!key.isPrivate()) {
            throw new IllegalArgumentException(
                    "the signing key file holds only a public key; it needs the private key");
        }
        try {
            if (key instanceof RSAKey rsa) {
                this.algorithm = JWSAlgorithm.RS256;
                this.signer = new RSASSASigner(rsa);
                this.verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
            } else if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                this.algorithm = JWSAlgorithm.ES256;
                this.signer = new ECDSASigner(ec);
                this.verifier = new ECDSAVerifier(ec.toECPublicKey());
            } else {
                throw new IllegalArgumentException("the signing key must be RSA or EC P-256, not " + key.getKeyType()
                        + (key instanceof ECKey ec ? " " + ec.getCurve() : ""));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the signing key cannot be used: " + e.getMessage(), e);
        }
        this.key = key;
        this.publicJwks = new JsonObject(new JWKSet(key.toPublicJWK()).toString(true));
    }

    /** Loads or makes the key the configuration calls for. */
    public static Future<SigningKeys> load(Vertx vertx, OAuthConfig oauth, Store store) {
        if (oauth.signingKeyFile().isPresent()) {
            String file = oauth.signingKeyFile().get();
            return vertx.fileSystem()
                    .readFile(file)
                    .recover(e -> Future.failedFuture(new IllegalStateException(
                            "oauth.signing_key_file " + file + " cannot be read: " + e.getMessage(), e)))
                    .map(buffer -> {
                        try {
                            return new SigningKeys(parse(buffer.toString()));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalStateException(
                                    "oauth.signing_key_file " + file + ": " + e.getMessage(), e);
                        }
                    });
        }
        return switch (oauth.storage()) {
            case MEMORY -> vertx.executeBlocking(SigningKeys::generated);
            case REDIS -> shared(vertx, store);
        };
    }

    /** The cluster's key: the first instance to start stores one; every instance then uses what is stored. */
    private static Future<SigningKeys> shared(Vertx vertx, Store store) {
        return SharedValues.getOrMake(
                        store,
                        STORE_KEY,
                        SHARED_KEY_TTL,
                        () -> vertx.executeBlocking(SigningKeys::generate)
                                .map(key -> new JsonObject(key.toJSONString())),
                        fresh -> log.atInfo()
                                .addKeyValue("kid", fresh.getString("kid"))
                                .log("generated the cluster's token signing key"))
                .map(json -> new SigningKeys(parse(json.encode())));
    }

    /** A key from the text of a key file (JWK or PKCS#8 PEM), as {@code signing_key_file} is read. */
    public static SigningKeys fromText(String text) {
        return new SigningKeys(parse(text));
    }

    /** A fresh RSA key held only in memory: what tests and the in-memory store use. */
    public static SigningKeys generated() {
        return new SigningKeys(generate());
    }

    static JWK generate() {
        try {
            RSAKey fresh = new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
            return new RSAKey.Builder(fresh).keyIDFromThumbprint().build();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an RSA key: " + e.getMessage(), e);
        }
    }

    /** A private JWK (JSON) or a PKCS#8 PEM RSA private key. */
    static JWK parse(String text) {
        String trimmed = text.strip();
        try {
            JWK jwk;
            if (trimmed.startsWith("{")) {
                jwk = JWK.parse(trimmed);
            } else if (trimmed.startsWith("-----BEGIN PRIVATE KEY-----")) {
                jwk = rsaFromPkcs8(trimmed);
            } else if (trimmed.startsWith("-----BEGIN")) {
                throw new IllegalArgumentException(
                        "PEM keys must be unencrypted PKCS#8 (\"BEGIN PRIVATE KEY\"); convert with "
                                + "`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem`");
            } else {
                throw new IllegalArgumentException("is neither a JWK (JSON) nor a PEM private key");
            }
            if (jwk.getKeyID() == null) {
                jwk = jwk instanceof RSAKey rsa
                        ? new RSAKey.Builder(rsa).keyIDFromThumbprint().build()
                        : jwk instanceof ECKey ec
                                ? new ECKey.Builder(ec).keyIDFromThumbprint().build()
                                : jwk;
            }
            return jwk;
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("is not a valid key: " + e.getMessage(), e);
        }
    }

    private static JWK rsaFromPkcs8(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            var privateKey = (RSAPrivateCrtKey) factory.generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            var publicKey = (java.security.interfaces.RSAPublicKey) factory.generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            return new RSAKey.Builder(publicKey)
                    .privateKey(privateKey)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .build();
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "is not an RSA PKCS#8 private key (EC keys: use a JWK file): " + e.getMessage(), e);
        }
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    public String keyId() {
        return key.getKeyID();
    }

    public JWSSigner signer() {
        return signer;
    }

    public JWSVerifier verifier() {
        return verifier;
    }

    /**
     * A secret for {@code purpose}, derived from the private key: every member of a cluster shares the
     * signing key, so they derive the same secret, and no second secret needs distributing.
     */
    public byte[] derivedSecret(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(
                    MessageDigest.getInstance("SHA-256")
                            .digest(key.toJSONString().getBytes(StandardCharsets.UTF_8)),
                    "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256 and SHA-256", e);
        }
    }

    /** The JWK set served at {@code /jwks.json}: public parts only. */
    public JsonObject publicJwks() {
        return publicJwks;
    }
}
