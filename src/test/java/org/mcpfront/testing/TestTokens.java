package org.mcpfront.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.mcpfront.oauth.SigningKeys;
import org.mcpfront.oauth.grants.AccessTokens;

/**
 * Access tokens for tests that exercise the gateway rather than sign-in: every test config names one
 * signing key file ({@link #keyFile()}), and tokens are signed with that key exactly as the
 * authorization server signs them. The OAuth tests get theirs through the real flow instead.
 */
public final class TestTokens {

    /** The issuer of {@link FrontHarness#yaml}'s configs. */
    public static final String ISSUER = "http://localhost:8080";

    private static final Path KEY_FILE = writeKey();
    private static final SigningKeys KEYS = read(KEY_FILE);
    private static final String BEARER = "Bearer " + mint(ISSUER, List.of(ISSUER));

    private TestTokens() {}

    /** The signing key file every test config uses. */
    public static Path keyFile() {
        return KEY_FILE;
    }

    /** {@code Authorization} header value good for every route of a gateway with issuer {@link #ISSUER}. */
    public static String bearer() {
        return BEARER;
    }

    /** A token for {@code issuer} with {@code audience}, valid for an hour. */
    public static String mint(String issuer, List<String> audience) {
        return mintFor("test-subject", issuer, audience);
    }

    /** The same for another user (token subject {@code subject}, email {@code <subject>@example.com}). */
    public static String mintFor(String subject, String issuer, List<String> audience) {
        return mintFor(subject, "test-client", issuer, audience);
    }

    /** The same issued to the OAuth client {@code clientId}. */
    public static String mintFor(String subject, String clientId, String issuer, List<String> audience) {
        String email = subject.equals("test-subject") ? "tester@example.com" : subject + "@example.com";
        return issue(subject, email, clientId, issuer, audience);
    }

    /** The same for a user whose address is {@code email}, of any domain. */
    public static String mintForEmail(String email, String issuer, List<String> audience) {
        return issue("test-subject:" + email, email, "test-client", issuer, audience);
    }

    /**
     * A token for {@code email} whose {@code groups} claim carries {@code memberships} (identity-provider groups,
     * {@code iam:<role>} entries), as sign-in writes it, signed with the tests' key.
     */
    public static String mintWithGroups(String email, List<String> memberships, String issuer, List<String> audience) {
        try {
            RSAKey key = RSAKey.parse(Files.readString(KEY_FILE));
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .subject("test-subject:" + email)
                    .audience(audience)
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                    .jwtID(UUID.randomUUID().toString())
                    .claim("client_id", "test-client")
                    .claim("scope", "mcp")
                    .claim("email", email)
                    .claim("groups", memberships)
                    .build();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .type(new JOSEObjectType("at+jwt"))
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException | java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String issue(String subject, String email, String clientId, String issuer, List<String> audience) {
        return new AccessTokens(KEYS, issuer, Duration.ofHours(1), null, Clock.systemUTC())
                .issue(subject, email, audience, clientId, "mcp")
                .token();
    }

    private static Path writeKey() {
        try {
            RSAKey key = new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true)
                    .generate();
            Path file = Files.createTempFile("mcp-front-test-key", ".jwk");
            file.toFile().deleteOnExit();
            Files.writeString(file, key.toJSONString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SigningKeys read(Path file) {
        try {
            return SigningKeys.fromText(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
