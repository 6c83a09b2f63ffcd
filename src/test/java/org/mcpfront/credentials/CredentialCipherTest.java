package org.mcpfront.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcpfront.config.CredentialsConfig;
import org.mcpfront.config.CredentialsConfig.KeySource;

@DisplayName("Credential envelope (AES-256-GCM)")
class CredentialCipherTest {

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) fill);
        return key;
    }

    private static CredentialCipher cipher(Object... idsAndKeys) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < idsAndKeys.length; i += 2) {
            keys.put((String) idsAndKeys[i], (byte[]) idsAndKeys[i + 1]);
        }
        return new CredentialCipher(keys);
    }

    @Test
    @DisplayName("a sealed value names its key, differs every time, and opens for its user and route only")
    void sealAndOpen() {
        CredentialCipher cipher = cipher("k1", key(1));
        String a = cipher.seal("gho_secret", "sub-alice", "/github");
        String b = cipher.seal("gho_secret", "sub-alice", "/github");
        assertThat(a).startsWith("v1.k1.").doesNotContain("gho_secret").isNotEqualTo(b);
        assertThat(cipher.open(a, "sub-alice", "/github")).contains("gho_secret");
        assertThat(cipher.open(a, "sub-bob", "/github")).as("another user").isEmpty();
        assertThat(cipher.open(a, "sub-alice", "/linear")).as("another route").isEmpty();
        assertThat(cipher.open(a, "sub-alice\n/github", ""))
                .as("the same text split otherwise")
                .isEmpty();
    }

    @Test
    @DisplayName("an altered nonce, ciphertext, key id or version does not open")
    void tamper() {
        CredentialCipher cipher = cipher("k1", key(1), "k0", key(2));
        String sealed = cipher.seal("token", "s", "/r");
        String[] parts = sealed.split("\\.");
        byte[] body = Base64.getUrlDecoder().decode(parts[3]);
        body[0] ^= 1;
        String flipped = parts[0] + "." + parts[1] + "." + parts[2] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(body);
        assertThat(cipher.open(flipped, "s", "/r")).isEmpty();
        byte[] nonce = Base64.getUrlDecoder().decode(parts[2]);
        nonce[11] ^= 1;
        assertThat(cipher.open(
                        parts[0] + "." + parts[1] + "."
                                + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce) + "." + parts[3],
                        "s",
                        "/r"))
                .isEmpty();
        assertThat(cipher.open(sealed.replace("v1.k1.", "v1.k0."), "s", "/r"))
                .as("another key's id")
                .isEmpty();
        assertThat(cipher.open(sealed.replace("v1.", "v2."), "s", "/r")).isEmpty();
        assertThat(cipher.open("not an envelope", "s", "/r")).isEmpty();
    }

    @Test
    @DisplayName("rotation: the first key seals, an old key still opens what it sealed, a removed key does not")
    void rotation() {
        CredentialCipher old = cipher("k1", key(1));
        String sealedBefore = old.seal("token", "s", "/r");
        CredentialCipher rotated = cipher("k2", key(2), "k1", key(1));
        assertThat(rotated.open(sealedBefore, "s", "/r")).contains("token");
        assertThat(rotated.stale(sealedBefore)).isTrue();
        String sealedAfter = rotated.seal("token", "s", "/r");
        assertThat(sealedAfter).startsWith("v1.k2.");
        assertThat(rotated.stale(sealedAfter)).isFalse();
        CredentialCipher retired = cipher("k2", key(2));
        assertThat(retired.open(sealedBefore, "s", "/r")).isEmpty();
        assertThat(retired.open(sealedAfter, "s", "/r")).contains("token");
    }

    @Test
    @DisplayName("keys load from files and environment variables; a short key or a missing variable is refused by name")
    void load(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("k2.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(key(2)) + "\n");
        CredentialsConfig config = new CredentialsConfig(List.of(
                new KeySource("k2", Optional.of(file), Optional.empty()),
                new KeySource("k1", Optional.empty(), Optional.of("OLD"))));
        CredentialCipher loaded =
                CredentialCipher.load(config, Map.of("OLD", Base64.getEncoder().encodeToString(key(1))));
        assertThat(loaded.open(cipher("k1", key(1)).seal("t", "s", "/r"), "s", "/r"))
                .contains("t");
        assertThat(loaded.seal("t", "s", "/r")).startsWith("v1.k2.");

        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> CredentialCipher.load(config, Map.of()))
                .hasMessageContaining("credentials key k2: file " + file + " holds 16 bytes, not 32")
                .hasMessageContaining("credentials key k1: environment variable OLD is not set");
    }
}
