package org.mcpfront.supervisor;

import io.vertx.core.spi.cluster.ClusterManager;
import java.util.UUID;

/**
 * This instance's name among the others, and whether another is still there: a session whose owner is
 * gone may be adopted, one whose owner lives may not.
 */
public interface Membership {

    /** This instance's node id: what the sessions it owns record as their owner. */
    String node();

    /** Whether {@code node} is a live member (this instance included). */
    boolean isMember(String node);

    /** The cluster's members as Vert.x sees them; a single instance when {@code manager} is null. */
    static Membership of(ClusterManager manager) {
        if (manager == null) {
            String self = UUID.randomUUID().toString();
            return new Membership() {
                @Override
                public String node() {
                    return self;
                }

                @Override
                public boolean isMember(String node) {
                    return self.equals(node);
                }
            };
        }
        return new Membership() {
            @Override
            public String node() {
                return manager.getNodeId();
            }

            @Override
            public boolean isMember(String node) {
                return manager.getNodes().contains(node);
            }
        };
    }
}
