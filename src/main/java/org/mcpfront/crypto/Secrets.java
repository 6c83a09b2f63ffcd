package org.mcpfront.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Random values the authorization server hands out (codes, refresh tokens, client secrets, sign-in
 * handles) and the hashes it keeps of them instead: the store never holds a usable secret. What must be
 * handed out again later is kept sealed under a key that only the holder of another secret can make.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int GCM_IV_BYTES = 12;
    private static final int GCM_TAG_BITS = 128;

    private Secrets() {}

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

    /** Compares without leaking through timing where the two first differ. */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Encrypts {@code plaintext} with AES-256-GCM under a key that only a holder of {@code secret} can make:
     * HMAC-SHA256 keyed with the secret, over {@code context}. The store keeps {@link #hash}es of secrets,
     * from which that key cannot be computed, so it may keep the box. {@code context} is also authenticated:
     * a box opens only for the purpose it was sealed for.
     */
    public static String seal(String secret, String context, String plaintext) {
        byte[] iv = new byte[GCM_IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, secret, context, iv);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return BASE64URL.encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                    .put(iv)
                    .put(sealed)
                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM and HMAC-SHA256", e);
        }
    }

    /** What {@link #seal} sealed with the same secret and context; empty when the box does not open with them. */
    public static Optional<String> open(String secret, String context, String box) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(box);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length <= GCM_IV_BYTES) {
            return Optional.empty();
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, secret, context, Arrays.copyOf(bytes, GCM_IV_BYTES));
            byte[] plaintext = cipher.doFinal(bytes, GCM_IV_BYTES, bytes.length - GCM_IV_BYTES);
            return Optional.of(new String(plaintext, StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM and HMAC-SHA256", e);
        }
    }

    private static Cipher cipher(int mode, String secret, String context, byte[] iv) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] key = mac.doFinal(context.getBytes(StandardCharsets.UTF_8));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(GCM_TAG_BITS, iv));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
