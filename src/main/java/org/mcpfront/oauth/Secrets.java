package org.mcpfront.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random values the authorization server hands out (codes, refresh tokens, client secrets, sign-in
 * handles) and the hashes it keeps of them instead: the store never holds a usable secret.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** 256 random bits, base64url: unguessable and safe in URLs, headers and cookies. */
    public static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** SHA-256 of {@code value}, base64url: the form in which secrets become store keys and values. */
    public static String hash(String value) {
        return BASE64URL.encodeToString(sha256(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
    public static String s256(String verifier) {
        return BASE64URL.encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Compares without leaking through timing where the two first differ. */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
