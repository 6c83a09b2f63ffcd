package org.mcpfront.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mcpfront.config.ClusterConfig;

@DisplayName("Cluster setup")
class ClusteringTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("without a Hazelcast file, members meet on 127.0.0.1 only and the event bus binds there")
    void loopback() {
        Config config = Clustering.loopback("mcp-front-test");
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled())
                .isFalse();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("127.0.0.1");
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
        Clustering clustering = Clustering.of(new ClusterConfig(true, Optional.empty(), 0), "http://127.0.0.1:8080");
        assertThat(clustering.eventBusOptions().getHost()).isEqualTo("127.0.0.1");
        assertThat(clustering.manager().getConfig().getClusterName())
                .as("named after the issuer")
                .startsWith("mcp-front-")
                .isNotEqualTo(Clustering.of(new ClusterConfig(true, Optional.empty(), 0), "http://127.0.0.1:9090")
                        .manager()
                        .getConfig()
                        .getClusterName());
    }

    @Test
    @DisplayName("the shipped GCE, GCE-template and compose Hazelcast files load with Hazelcast's own loader")
    void shippedFiles() throws Exception {
        Config gce = Clustering.load("conf/hazelcast-gce.yaml");
        assertThat(gce.getNetworkConfig().getJoin().getGcpConfig().isEnabled()).isTrue();
        assertThat(gce.getNetworkConfig().getJoin().getGcpConfig().getProperty("label"))
                .isEqualTo("mcp-front-cluster=mcp-front");

        Path rendered = dir.resolve("hazelcast.yaml");
        Files.writeString(
                rendered,
                Files.readString(Path.of("deploy/gce/hazelcast-gcp.yaml"))
                        .replace("@@CLUSTER_NAME@@", "mcp-front")
                        .replace("@@REGION@@", "europe-west1")
                        .replace("@@HAZELCAST_PORT@@", "5701"));
        assertThat(Clustering.load(rendered.toString())
                        .getNetworkConfig()
                        .getJoin()
                        .getGcpConfig()
                        .isEnabled())
                .isTrue();

        Config compose = Clustering.load("docker/hazelcast.yaml");
        assertThat(compose.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled())
                .isTrue();

        Clustering fromFile = Clustering.of(
                new ClusterConfig(true, Optional.of("conf/hazelcast-gce.yaml"), 5710), "https://mcp.example.com");
        assertThat(fromFile.eventBusOptions().getPort()).isEqualTo(5710);
        assertThat(fromFile.eventBusOptions().getHost())
                .as("taken from the Hazelcast member address")
                .isNull();
    }

    @Test
    @DisplayName("the cluster name carries the event-bus protocol version, from a file or on loopback")
    void protocolVersionInClusterName() {
        String suffix = "-bus" + Clustering.BUS_PROTOCOL;
        Clustering fromFile = Clustering.of(
                new ClusterConfig(true, Optional.of("conf/hazelcast-gce.yaml"), 5710), "https://mcp.example.com");
        assertThat(fromFile.manager().getConfig().getClusterName()).isEqualTo("mcp-front" + suffix);
        Clustering loopback = Clustering.of(new ClusterConfig(true, Optional.empty(), 0), "http://127.0.0.1:8080");
        assertThat(loopback.manager().getConfig().getClusterName())
                .startsWith("mcp-front-")
                .endsWith(suffix);
    }

    @Test
    @DisplayName("a missing or malformed Hazelcast file stops the start with a message naming it")
    void badFiles() throws Exception {
        assertThatThrownBy(() -> Clustering.load(dir.resolve("nope.yaml").toString()))
                .hasMessageContaining("does not exist");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "hazelcast:\n  network: [oops\n");
        assertThatThrownBy(() -> Clustering.load(broken.toString())).hasMessageContaining(broken.toString());
        assertThatThrownBy(() -> Clustering.load(dir.resolve("x.json").toString()))
                .hasMessageContaining(".yaml");
    }
}
