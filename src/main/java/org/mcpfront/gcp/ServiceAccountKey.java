package org.mcpfront.gcp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * A service-account key file as the Google Cloud console writes it (application default credentials):
 * {@code client_email}, {@code private_key} (PKCS#8 PEM), {@code private_key_id}, {@code token_uri}. It signs the
 * JWT assertions that the token endpoint exchanges for an access token (RFC 7523) or a Google-signed ID token.
 */
public final class ServiceAccountKey {

    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    /** Google accepts assertions valid for at most an hour. */
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(10);

    private final String clientEmail;
    private final String keyId;
    private final String tokenUri;
    private final RSASSASigner signer;

    private ServiceAccountKey(String clientEmail, String keyId, String tokenUri, PrivateKey key) {
        this.clientEmail = clientEmail;
        this.keyId = keyId;
        this.tokenUri = tokenUri;
        this.signer = new RSASSASigner(key);
    }

    /** Parses the key file's text; the message of a failure names what is wrong, never the key. */
    public static ServiceAccountKey parse(String json) {
        JsonObject file;
        try {
            file = new JsonObject(json);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("is not JSON (expected a service-account key file)");
        }
        if (!"service_account".equals(file.getString("type"))) {
            throw new IllegalArgumentException("is not a service-account key (\"type\" is " + file.getString("type")
                    + ", expected \"service_account\")");
        }
        String email = file.getString("client_email");
        String pem = file.getString("private_key");
        if (email == null || pem == null) {
            throw new IllegalArgumentException("lacks client_email or private_key");
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("has a private_key that is not an RSA PKCS#8 key");
        }
        return new ServiceAccountKey(
                email, file.getString("private_key_id"), file.getString("token_uri", DEFAULT_TOKEN_URI), key);
    }

    public String clientEmail() {
        return clientEmail;
    }

    public String tokenUri() {
        return tokenUri;
    }

    /**
     * An assertion for an access token with {@code scopes} (space-separated), acting as {@code subject} when not
     * null (domain-wide delegation: the Workspace admin that the service account impersonates).
     */
    String accessTokenAssertion(String scopes, String subject, Instant now) {
        JWTClaimsSet.Builder claims = base(now).claim("scope", scopes);
        if (subject != null) {
            claims.subject(subject);
        }
        return sign(claims.build());
    }

    /** An assertion that the token endpoint answers with a Google-signed ID token for {@code audience}. */
    String idTokenAssertion(String audience, Instant now) {
        return sign(base(now).claim("target_audience", audience).build());
    }

    private JWTClaimsSet.Builder base(Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(clientEmail)
                .audience(tokenUri)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .jwtID(UUID.randomUUID().toString());
    }

    private String sign(JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(keyId)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a service-account assertion failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[" + clientEmail + "]";
    }
}
