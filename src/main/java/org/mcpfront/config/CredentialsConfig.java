package org.mcpfront.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The top-level {@code credentials:}: the keys that encrypt users' service credentials at rest. The first key
 * encrypts; every key decrypts, so a new key goes first and an old one stays listed until what it sealed has been
 * rewritten (rotation).
 */
public record CredentialsConfig(List<KeySource> keys) {

    public static final CredentialsConfig NONE = new CredentialsConfig(List.of());

    public CredentialsConfig {
        keys = List.copyOf(keys);
    }

    /** Where one key is read from: a file or an environment variable, holding 32 bytes in base64. */
    public record KeySource(String id, Optional<Path> file, Optional<String> environmentVariable) {}
}
