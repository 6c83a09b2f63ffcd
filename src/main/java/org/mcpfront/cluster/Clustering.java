package org.mcpfront.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.FileSystemYamlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import org.mcpfront.config.ClusterConfig;
import org.mcpfront.crypto.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an instance joins the others: a Hazelcast cluster manager (members, event-bus subscriptions)
 * and the event bus's own TCP port. Without {@code cluster.hazelcast_config} the cluster is
 * loopback-only, for several instances on one machine; on GCE the shipped config discovers the
 * instances by label.
 */
public final class Clustering {

    private static final Logger log = LoggerFactory.getLogger(Clustering.class);

    /** The loopback cluster's name, before the issuer's part. */
    static final String CLUSTER_NAME = "mcp-front";

    /**
     * The version of what members send each other over the event bus: codec names, their wire
     * formats, the session protocol's messages. Bump it with any change that members of two
     * versions would misread. It is part of the cluster name, so during a rolling update old and
     * new members form two clusters: a request for a session on the other side then answers 404
     * at once, and the client starts a new session, instead of waiting for a reply that cannot be
     * decoded. Changes that keep the wire as it is keep one cluster across the update.
     */
    static final int BUS_PROTOCOL = 2;

    private final HazelcastClusterManager manager;
    private final EventBusOptions eventBus;

    private Clustering(HazelcastClusterManager manager, EventBusOptions eventBus) {
        this.manager = manager;
        this.eventBus = eventBus;
    }

    /**
     * The cluster setup {@code config} asks for; fails with a readable message on a bad Hazelcast
     * file. {@code issuer} names the loopback cluster, so that unrelated gateways on one machine
     * (a test next to a benchmark) never join each other.
     */
    public static Clustering of(ClusterConfig config, String issuer) {
        if (config.hazelcastConfig().isPresent()) {
            Config hazelcast = load(config.hazelcastConfig().get());
            hazelcast.setClusterName(versioned(hazelcast.getClusterName()));
            hardenProperties(hazelcast);
            return new Clustering(
                    new HazelcastClusterManager(hazelcast), new EventBusOptions().setPort(config.eventBusPort()));
        }
        return new Clustering(
                new HazelcastClusterManager(loopback(
                        versioned(CLUSTER_NAME + "-" + Secrets.hash(issuer).substring(0, 12)))),
                new EventBusOptions()
                        .setHost("127.0.0.1")
                        .setClusterPublicHost("127.0.0.1")
                        .setPort(config.eventBusPort()));
    }

    static String versioned(String clusterName) {
        return clusterName + "-bus" + BUS_PROTOCOL;
    }

    public HazelcastClusterManager manager() {
        return manager;
    }

    public EventBusOptions eventBusOptions() {
        return eventBus;
    }

    /** Logs members joining and leaving, which Hazelcast itself reports only at INFO in its own words. */
    public void logMembership() {
        manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                log.atInfo()
                        .addKeyValue("member", event.getMember().getAddress().toString())
                        .addKeyValue("members", event.getMembers().size())
                        .log("a cluster member joined");
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                log.atWarn()
                        .addKeyValue("member", event.getMember().getAddress().toString())
                        .addKeyValue("members", event.getMembers().size())
                        .log("a cluster member left; its sessions are gone");
            }
        });
    }

    /** What readiness reports: this member and the members it sees. */
    public JsonObject membership() {
        if (!manager.isActive()) {
            return new JsonObject().put("active", false);
        }
        return new JsonObject()
                .put("active", true)
                .put("node", manager.getNodeId())
                .put("members", new JsonArray(manager.getNodes()));
    }

    /** Every member on 127.0.0.1, found by TCP on Hazelcast's port range; nothing leaves the machine. */
    static Config loopback(String clusterName) {
        Config config = new Config();
        config.setClusterName(clusterName);
        // A joining member would otherwise wait 5 s for others before forming or joining a cluster.
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        // A member that stops answering is dropped after 30 s instead of 60, and its sessions with it.
        // A member whose process died is noticed sooner, from its refused connections (about a second
        // on loopback); this timeout catches only a live member that went silent, which on one machine
        // means a paused or CPU-starved JVM that is about to answer again: dropping it early would end
        // sessions that were fine. 30 s, as in the GCE files, rides out a busy machine.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "30");
        hardenProperties(config);
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(5701).setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        return config;
    }

    /**
     * mcp-front leaves the cluster in its own shutdown, after its sessions drained: Hazelcast's hook
     * would leave first and strand the drain. Phoning home is off; logs go through SLF4J.
     */
    private static void hardenProperties(Config config) {
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
    }

    static Config load(String path) {
        try {
            String lower = path.toLowerCase(java.util.Locale.ROOT);
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return new FileSystemYamlConfig(path);
            }
            if (lower.endsWith(".xml")) {
                return new FileSystemXmlConfig(path);
            }
            throw new IllegalStateException("cluster.hazelcast_config " + path + " must be a .yaml, .yml or .xml file");
        } catch (FileNotFoundException e) {
            throw new IllegalStateException("cluster.hazelcast_config " + path + " does not exist", e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw e;
            }
            throw new IllegalStateException(
                    "cluster.hazelcast_config " + path + " is not a valid Hazelcast configuration: " + e.getMessage(),
                    e);
        }
    }
}
