package org.mcpfront.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mcpfront.config.ConfigException;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.OAuthConfig.IdentityKind;
import org.mcpfront.config.OAuthConfig.StorageKind;
import org.mcpfront.config.RouteConfig;

@DisplayName("The compose files in docker/")
class ComposeFilesTest {

    private static final String CONFIG_IN_IMAGE = "/app/conf/mcp-front.yaml";
    private static final String DOCKER_SOCKET = "/var/run/docker.sock";
    private static final Pattern COMPOSE_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?");

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    @DisplayName("every variable they and the configs they mount use is in .env.example")
    void variablesDocumented(String file) throws IOException {
        Path compose = DeployFiles.DOCKER_DIR.resolve(file);
        Set<String> used = new TreeSet<>(DeployFiles.variables(compose));
        for (Path mounted : mountedFiles(compose)) {
            used.addAll(DeployFiles.variables(mounted));
        }

        assertThat(used).isNotEmpty();
        assertThat(DeployFiles.exampleEnv().keySet()).containsAll(used);
    }

    @Test
    @DisplayName(".env.example has no variable that nothing uses")
    void noStaleVariables() throws IOException {
        Set<String> used = new TreeSet<>();
        for (Path compose : List.of(DeployFiles.COMPOSE, DeployFiles.CLUSTER_COMPOSE)) {
            used.addAll(DeployFiles.variables(compose));
            for (Path mounted : mountedFiles(compose)) {
                used.addAll(DeployFiles.variables(mounted));
            }
        }

        assertThat(used).containsAll(DeployFiles.exampleEnv().keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    @DisplayName("the mcp-front configs they mount validate with .env.example once the Google client is filled in")
    void configsValidate(String file) throws Exception {
        Path compose = DeployFiles.DOCKER_DIR.resolve(file);
        for (String service : frontServices(compose)) {
            FrontConfig config = frontConfig(compose, service, Map.of());

            assertThat(config.oauth().identity()).isEqualTo(IdentityKind.GOOGLE);
            assertThat(config.oauth().google())
                    .hasValueSatisfying(g -> assertThat(g.issuer()).isEqualTo("https://accounts.google.com"));
            assertThat(config.oauth().storage()).isEqualTo(StorageKind.REDIS);
            assertThat(URI.create(config.oauth().redisUrl()).getHost()).isEqualTo("redis");
            assertThat(services(compose)).containsKey("redis");
            assertThat(config.server().host()).isEqualTo("0.0.0.0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    @DisplayName(".env.example as it is does not start: the only problems are the Google client to fill in")
    void exampleFailsClosed(String file) throws Exception {
        Path compose = DeployFiles.DOCKER_DIR.resolve(file);
        for (String service : frontServices(compose)) {
            Path config = mountedConfig(compose, service);
            ConfigException refused = catchThrowableOfType(
                    ConfigException.class, () -> DeployFiles.frontConfig(config, DeployFiles.exampleEnv()));

            assertThat(refused)
                    .as("the example's empty Google client is refused")
                    .isNotNull();
            assertThat(refused.problems())
                    .hasSize(2)
                    .allSatisfy(problem -> assertThat(problem)
                            .startsWith("oauth.google.client_")
                            .contains("is empty"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    @DisplayName("with Google sign-in and an https issuer the configs validate too")
    void googleSignIn(String file) throws Exception {
        Path compose = DeployFiles.DOCKER_DIR.resolve(file);
        for (String service : frontServices(compose)) {
            FrontConfig config = frontConfig(compose, service, Map.of("MCP_FRONT_ISSUER", "https://mcp.example.com"));

            assertThat(config.oauth().identity()).isEqualTo(IdentityKind.GOOGLE);
            assertThat(config.oauth().google())
                    .hasValueSatisfying(g -> assertThat(g.clientId()).startsWith("1234"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mcp-front.yaml", "mcp-front.cluster.yaml"})
    @DisplayName("the container configs cannot be switched to the password-less dev sign-in from the environment")
    void noDevSignIn(String file) throws Exception {
        Path config = DeployFiles.DOCKER_DIR.resolve(file);
        String text = Files.readString(config);

        assertThat(text).containsPattern("(?m)^  identity: google\\s*$");
        assertThat(DeployFiles.frontConfig(config, withGoogle()).oauth().identity())
                .isEqualTo(IdentityKind.GOOGLE);
        String dev = text.replaceFirst("(?m)^  identity: google", "  identity: dev");
        Path edited = Files.createTempFile("mcp-front-dev", ".yaml");
        try {
            Files.writeString(edited, dev);
            assertThat(catchThrowableOfType(ConfigException.class, () -> DeployFiles.frontConfig(edited, withGoogle()))
                            .problems())
                    .as("an edited copy with dev sign-in is refused: the container listens on 0.0.0.0")
                    .anySatisfy(problem ->
                            assertThat(problem).startsWith("oauth.identity").contains("\"0.0.0.0\""));
        } finally {
            Files.delete(edited);
        }
    }

    private static Map<String, String> withGoogle() throws IOException {
        Map<String, String> env = new HashMap<>(DeployFiles.exampleEnv());
        env.putAll(DeployFiles.GOOGLE_CLIENT);
        return env;
    }

    @Test
    @DisplayName("the published port's target is server.port, and the health check asks server.health_path there")
    void portAndHealthcheck() throws Exception {
        Map<String, Object> service = service(DeployFiles.COMPOSE, "mcp-front");
        FrontConfig config = frontConfig(DeployFiles.COMPOSE, "mcp-front", Map.of());

        List<String> ports = strings(service.get("ports"));
        assertThat(ports).singleElement().satisfies(port -> {
            String[] parts = port.split(":");
            assertThat(parts[parts.length - 1])
                    .isEqualTo(Integer.toString(config.server().port()));
            assertThat(parts[0]).as("published on the host's loopback only").isEqualTo("127.0.0.1");
        });
        assertHealthcheck(service, config);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    @DisplayName("mcp-front reaches the host's Docker daemon through the socket, with the socket's group")
    void dockerSocket(String file) throws IOException {
        Path compose = DeployFiles.DOCKER_DIR.resolve(file);
        for (String name : frontServices(compose)) {
            Map<String, Object> service = service(compose, name);

            assertThat(strings(service.get("volumes"))).contains(DOCKER_SOCKET + ":" + DOCKER_SOCKET);
            assertThat(strings(service.get("group_add")))
                    .singleElement()
                    .asString()
                    .startsWith("${DOCKER_GID");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    @DisplayName(
            "mcp-front gets time to drain, an init that passes SIGTERM on, and a healthy Redis that keeps its data")
    void lifecycle(String file) throws Exception {
        Path compose = DeployFiles.DOCKER_DIR.resolve(file);
        for (String name : frontServices(compose)) {
            Map<String, Object> service = service(compose, name);

            // The drain takes up to 30 s; Docker sends SIGKILL when stop_grace_period is over.
            assertThat(composeDuration((String) service.get("stop_grace_period")))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(35));
            assertThat(service.get("init")).isEqualTo(true);
            assertThat(service.get("env_file")).isEqualTo(".env");
            assertThat(map(map(service.get("depends_on")).get("redis"))).containsEntry("condition", "service_healthy");
        }
        Map<String, Object> redis = service(compose, "redis");
        assertThat((String) redis.get("image")).startsWith("redis:7");
        assertThat(String.join(" ", strings(redis.get("command")))).contains("--appendonly yes");
        assertThat(strings(redis.get("volumes")))
                .anySatisfy(volume -> assertThat(volume).endsWith(":/data"));
        assertThat(map(redis.get("healthcheck")).get("test").toString()).contains("ping");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.yml", "docker-compose.cluster.yml"})
    @DisplayName("the example MCP server listens where the /everything route points")
    void exampleServer(String file) throws Exception {
        Path compose = DeployFiles.DOCKER_DIR.resolve(file);
        Map<String, Object> everything = service(compose, "everything");
        String command = String.join(" ", strings(everything.get("command")));

        assertThat((String) everything.get("image")).isEqualTo("node:22-alpine");
        assertThat(command).contains("@modelcontextprotocol/server-everything").endsWith("streamableHttp");
        for (String name : frontServices(compose)) {
            RouteConfig route =
                    frontConfig(compose, name, Map.of()).route("/everything").orElseThrow();
            assertThat(route.http().orElseThrow().url())
                    .isEqualTo(URI.create("http://everything:"
                            + map(everything.get("environment")).get("PORT") + "/mcp"));
        }
    }

    @Test
    @DisplayName("the cluster file runs two instances, clustered on Redis storage with the mounted Hazelcast config")
    void clusterInstances() throws Exception {
        Path compose = DeployFiles.CLUSTER_COMPOSE;
        List<String> instances = frontServices(compose);

        assertThat(instances).hasSize(2);
        for (String name : instances) {
            FrontConfig config = frontConfig(compose, name, Map.of());
            assertThat(config.cluster().enabled()).isTrue();
            assertThat(config.oauth().storage()).isEqualTo(StorageKind.REDIS);
            String hazelcastInContainer = config.cluster().hazelcastConfig().orElseThrow();
            Path hazelcast = mountedAt(compose, name, hazelcastInContainer);
            assertThat(hazelcast).isRegularFile();

            Map<String, Object> network =
                    map(map(DeployFiles.yaml(hazelcast).get("hazelcast")).get("network"));
            Map<String, Object> join = map(network.get("join"));
            assertThat(map(join.get("multicast"))).containsEntry("enabled", false);
            assertThat(map(join.get("auto-detection"))).containsEntry("enabled", false);
            Map<String, Object> tcpIp = map(join.get("tcp-ip"));
            assertThat(tcpIp).containsEntry("enabled", true);
            assertThat(strings(tcpIp.get("member-list"))).containsExactlyInAnyOrderElementsOf(instances);
            assertHealthcheck(service(compose, name), config);
            assertThat(service(compose, name)).doesNotContainKey("ports");
        }
    }

    @Test
    @DisplayName("the proxy round-robins over both instances without affinity, and passes streams unbuffered")
    void clusterProxy() throws Exception {
        Path compose = DeployFiles.CLUSTER_COMPOSE;
        Map<String, Object> proxy = service(compose, "proxy");
        Path nginx = mountedAt(compose, "proxy", "/etc/nginx/conf.d/default.conf");
        List<String> directives = Files.readAllLines(nginx).stream()
                .map(line -> line.replaceAll("#.*", "").strip())
                .filter(line -> !line.isEmpty())
                .toList();
        String conf = String.join("\n", directives);

        assertThat((String) proxy.get("image")).startsWith("nginx:");
        assertThat(conf).doesNotContain("ip_hash", "sticky").doesNotContainPattern("(?m)^hash\\s");
        assertThat(directives).contains("proxy_buffering off;", "proxy_http_version 1.1;");
        Matcher timeout = Pattern.compile("(?m)^proxy_read_timeout\\s+(\\S+);").matcher(conf);
        assertThat(timeout.find()).as("proxy_read_timeout is set").isTrue();
        assertThat(composeDuration(timeout.group(1))).isGreaterThanOrEqualTo(Duration.ofMinutes(10));

        Pattern upstream = Pattern.compile("server\\s+([^\\s;{]+)[^;]*;");
        List<String> upstreams = directives.stream()
                .map(upstream::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .toList();
        List<String> expected = new ArrayList<>();
        for (String name : frontServices(compose)) {
            expected.add(
                    name + ":" + frontConfig(compose, name, Map.of()).server().port());
        }
        assertThat(upstreams).containsExactlyInAnyOrderElementsOf(expected);
        String published = strings(proxy.get("ports")).get(0);
        assertThat(conf).contains("listen " + published.substring(published.lastIndexOf(':') + 1) + ";");
    }

    private static void assertHealthcheck(Map<String, Object> service, FrontConfig config) {
        List<String> test = strings(map(service.get("healthcheck")).get("test"));
        assertThat(test.get(0)).isEqualTo("CMD");
        assertThat(test.get(test.size() - 1))
                .isEqualTo("http://127.0.0.1:" + config.server().port()
                        + config.server().healthPath());
    }

    /** The mcp-front services: those built from the repository's Dockerfile. */
    private static List<String> frontServices(Path compose) throws IOException {
        return services(compose).entrySet().stream()
                .filter(service -> map(service.getValue()).containsKey("build"))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The config {@code service} mounts, with .env.example filled in as a user must: a Google client. */
    private static FrontConfig frontConfig(Path compose, String service, Map<String, String> overrides)
            throws Exception {
        Map<String, String> env = new LinkedHashMap<>(DeployFiles.exampleEnv());
        env.putAll(DeployFiles.GOOGLE_CLIENT);
        env.putAll(overrides);
        return DeployFiles.frontConfig(mountedConfig(compose, service), env);
    }

    private static Path mountedConfig(Path compose, String service) throws IOException {
        return mountedAt(compose, service, CONFIG_IN_IMAGE);
    }

    /** The file of the repository that {@code service} mounts at {@code target}. */
    private static Path mountedAt(Path compose, String service, String target) throws IOException {
        return binds(compose, service).entrySet().stream()
                .filter(bind -> bind.getValue().equals(target))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError(service + " in " + compose + " mounts nothing at " + target));
    }

    /** Every repository file the compose file mounts into a container. */
    private static List<Path> mountedFiles(Path compose) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String service : services(compose).keySet()) {
            files.addAll(binds(compose, service).keySet());
        }
        return files.stream().distinct().collect(Collectors.toList());
    }

    /** The service's bind mounts of relative paths: repository file to path in the container. */
    private static Map<Path, String> binds(Path compose, String service) throws IOException {
        Map<Path, String> binds = new LinkedHashMap<>();
        Object volumes = service(compose, service).get("volumes");
        for (String volume : volumes == null ? List.<String>of() : strings(volumes)) {
            String[] parts = volume.split(":");
            if (parts[0].startsWith("./")) {
                binds.put(compose.getParent().resolve(parts[0].substring(2)), parts[1]);
            }
        }
        return binds;
    }

    private static Map<String, Object> services(Path compose) throws IOException {
        return map(DeployFiles.yaml(compose).get("services"));
    }

    private static Map<String, Object> service(Path compose, String name) throws IOException {
        Object service = services(compose).get(name);
        assertThat(service).as("service " + name + " in " + compose).isNotNull();
        return map(service);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<String> strings(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    /** Compose and nginx durations: 40s, 1m30s, 1h. */
    private static Duration composeDuration(String text) {
        Matcher m = COMPOSE_DURATION.matcher(text);
        assertThat(m.matches() && !text.isEmpty()).as(text + " is a duration").isTrue();
        Duration duration = Duration.ZERO;
        if (m.group(1) != null) {
            duration = duration.plusHours(Long.parseLong(m.group(1)));
        }
        if (m.group(2) != null) {
            duration = duration.plusMinutes(Long.parseLong(m.group(2)));
        }
        if (m.group(3) != null) {
            duration = duration.plusSeconds(Long.parseLong(m.group(3)));
        }
        return duration;
    }
}
