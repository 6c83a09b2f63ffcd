package org.mcpfront.credentials;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.mcpfront.config.CredentialsConfig;
import org.mcpfront.config.CredentialsConfig.KeySource;

/**
 * The envelope users' service credentials are stored in: AES-256-GCM with a random 96-bit nonce, as
 * {@code v1.<key id>.<nonce>.<ciphertext and tag>} (base64url). The associated data binds the envelope to one user
 * and one route, so a value copied to another user's or route's key does not open. The first key seals; every
 * listed key opens, so a new key can go first while the old one still reads what it sealed (rotation).
 */
public final class CredentialCipher {

    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String sealingKey;
    private final Map<String, SecretKey> keys;

    /** @param keys key id → 32 key bytes, the sealing key first */
    public CredentialCipher(Map<String, byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key is needed");
        }
        Map<String, SecretKey> copy = new LinkedHashMap<>();
        keys.forEach((id, bytes) -> {
            if (bytes.length != KEY_BYTES) {
                throw new IllegalArgumentException("credential key " + id + " has " + bytes.length
                        + " bytes; AES-256 needs 32 (make one with: openssl rand -base64 32)");
            }
            copy.put(id, new SecretKeySpec(bytes.clone(), "AES"));
        });
        this.keys = copy;
        this.sealingKey = copy.keySet().iterator().next();
    }

    /**
     * Reads the keys of {@code credentials:} from their files and environment variables.
     *
     * @throws IllegalStateException naming the key that is missing or malformed
     */
    public static CredentialCipher load(CredentialsConfig config, Map<String, String> env) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (KeySource source : config.keys()) {
            String text;
            String where;
            if (source.file().isPresent()) {
                where = "file " + source.file().get();
                try {
                    text = Files.readString(source.file().get());
                } catch (IOException e) {
                    problems.add("credentials key " + source.id() + ": cannot read " + where + ": " + e.getMessage());
                    continue;
                }
            } else {
                String name = source.environmentVariable().orElseThrow();
                where = "environment variable " + name;
                text = env.get(name);
                if (text == null || text.isBlank()) {
                    problems.add("credentials key " + source.id() + ": " + where + " is not set");
                    continue;
                }
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder()
                        .decode(text.strip().replace('-', '+').replace('_', '/'));
            } catch (IllegalArgumentException e) {
                problems.add("credentials key " + source.id() + ": " + where + " is not base64");
                continue;
            }
            if (bytes.length != KEY_BYTES) {
                problems.add("credentials key " + source.id() + ": " + where + " holds " + bytes.length
                        + " bytes, not 32 (make a key with: openssl rand -base64 32)");
                continue;
            }
            keys.put(source.id(), bytes);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        return new CredentialCipher(keys);
    }

    /** Seals {@code plaintext} for {@code subject}'s credential on {@code route} with the first key. */
    public String seal(String plaintext, String subject, String route) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(sealingKey), nonce, subject, route);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return VERSION + "." + sealingKey + "." + BASE64URL.encodeToString(nonce) + "."
                    + BASE64URL.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM", e);
        }
    }

    /**
     * What {@link #seal} sealed for the same user and route; empty when the envelope is malformed, names a key
     * that is no longer listed, was altered, or belongs to another user or route.
     */
    public Optional<String> open(String envelope, String subject, String route) {
        String[] parts = envelope.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || !keys.containsKey(parts[1])) {
            return Optional.empty();
        }
        try {
            byte[] nonce = Base64.getUrlDecoder().decode(parts[2]);
            byte[] sealed = Base64.getUrlDecoder().decode(parts[3]);
            if (nonce.length != NONCE_BYTES) {
                return Optional.empty();
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, keys.get(parts[1]), nonce, subject, route);
            return Optional.of(new String(cipher.doFinal(sealed), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM", e);
        }
    }

    /** The id of the key that sealed {@code envelope}, if it is one of ours. */
    public Optional<String> keyId(String envelope) {
        String[] parts = envelope.split("\\.", -1);
        return parts.length == 4 && keys.containsKey(parts[1]) ? Optional.of(parts[1]) : Optional.empty();
    }

    /** Whether {@code envelope} was sealed with another key than the one that seals now: it is rewritten on use. */
    public boolean stale(String envelope) {
        return keyId(envelope).map(id -> !id.equals(sealingKey)).orElse(false);
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String subject, String route)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData(subject, route));
        return cipher;
    }

    /** Length-prefixed, so that no pair of subject and route can pose as another. */
    private static byte[] associatedData(String subject, String route) {
        byte[] label = "mcp-front credential".getBytes(StandardCharsets.UTF_8);
        byte[] who = subject.getBytes(StandardCharsets.UTF_8);
        byte[] where = route.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(12 + label.length + who.length + where.length)
                .putInt(label.length)
                .put(label)
                .putInt(who.length)
                .put(who)
                .putInt(where.length)
                .put(where)
                .array();
    }
}
