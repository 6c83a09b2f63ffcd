package org.mcpfront.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Secrets")
class SecretsTest {

    @Test
    @DisplayName("a sealed box opens with the secret and context it was sealed with, and with nothing else")
    void sealAndOpen() {
        String secret = Secrets.random();
        // A plaintext too long to turn up in random base64 by chance (a short one did, about once in 60 runs).
        String plain = "{\"refresh_token\":\"refresh-token-in-the-clear\"}";
        String box = Secrets.seal(secret, "retry h1", plain);
        assertThat(box).doesNotContain("refresh-token-in-the-clear").doesNotContain("refresh_token");
        assertThat(Secrets.open(secret, "retry h1", box)).contains(plain);
        assertThat(Secrets.open(Secrets.random(), "retry h1", box))
                .as("another secret")
                .isEmpty();
        assertThat(Secrets.open(Secrets.hash(secret), "retry h1", box))
                .as("the secret's hash, which the store has")
                .isEmpty();
        assertThat(Secrets.open(secret, "retry h2", box)).as("another context").isEmpty();
        int middle = box.length() / 2;
        String altered = box.substring(0, middle) + (box.charAt(middle) == 'A' ? 'B' : 'A') + box.substring(middle + 1);
        assertThat(Secrets.open(secret, "retry h1", altered))
                .as("an altered box")
                .isEmpty();
        assertThat(Secrets.seal(secret, "retry h1", "same"))
                .as("a fresh IV each time")
                .isNotEqualTo(Secrets.seal(secret, "retry h1", "same"));
    }
}
