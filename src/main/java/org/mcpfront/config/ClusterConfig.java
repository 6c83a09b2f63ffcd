package org.mcpfront.config;

import java.util.Optional;

/** The {@code cluster:} section. */
public record ClusterConfig(boolean enabled, Optional<String> hazelcastConfig) {
}
