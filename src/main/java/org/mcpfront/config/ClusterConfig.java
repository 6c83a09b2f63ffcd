package org.mcpfront.config;

import java.util.Optional;

/**
 * The {@code cluster:} section.
 *
 * @param eventBusPort the TCP port other members send event-bus messages to; 0 picks a free one
 *                     (fine on one machine; a firewall between instances wants a fixed port)
 */
public record ClusterConfig(boolean enabled, Optional<String> hazelcastConfig, int eventBusPort) {

    public ClusterConfig(boolean enabled, Optional<String> hazelcastConfig) {
        this(enabled, hazelcastConfig, 0);
    }
}
