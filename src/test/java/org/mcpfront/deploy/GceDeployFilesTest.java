package org.mcpfront.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.ConfigException;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.OAuthConfig.IdentityKind;
import org.mcpfront.config.OAuthConfig.StorageKind;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The GCE deployment files agree with each other and with mcp-front: the VM boot file
 * (cloud-init.yaml, rendered the way lib.sh renders it, with env.example.sh's values) starts a
 * container whose environment makes deploy/gce/mcp-front.yaml valid, on the port and path that the
 * scripts' health checks use. Nothing here talks to Google Cloud.
 */
@DisplayName("The GCE deployment files")
class GceDeployFilesTest {

    private static final Path GCE = Path.of("deploy/gce");
    /** What lib.sh computes at deploy time (05-redis.sh, 02-image.sh): example values. */
    private static final Map<String, String> COMPUTED = Map.of(
            "IMAGE", "europe-west1-docker.pkg.dev/p/mcp-front/mcp-front:0123456789ab",
            "REDIS_URL", "redis://10.0.0.3:6379",
            "REGISTRY_HOST", "europe-west1-docker.pkg.dev");
    /** What fetch-config.sh writes to runtime.env from Secret Manager at boot, with an example value. */
    private static final Map<String, String> FETCHED_AT_BOOT = Map.of("GOOGLE_CLIENT_SECRET", "example-secret");

    private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Z][A-Z0-9_]*)=\"([^\"]*)\"$");
    private static final Pattern SHELL_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
    private static final Pattern CONFIG_REFERENCE =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");

    private static Map<String, String> settings;
    private static Map<String, Object> cloudInit;
    private static Map<String, String> containerEnv;

    @BeforeAll
    static void readFiles() throws IOException {
        settings = envExample();
        Map<String, String> placeholders = new HashMap<>(settings);
        placeholders.putAll(COMPUTED);
        cloudInit = yaml(render(GCE.resolve("cloud-init.yaml"), placeholders));
        containerEnv = envFile(writtenFile("/etc/mcp-front/container.env"));
    }

    @Test
    @DisplayName("every placeholder of the templates has a value in env.example.sh or is computed by lib.sh")
    void placeholdersHaveValues() throws IOException {
        for (String template : List.of("cloud-init.yaml", "hazelcast-gcp.yaml")) {
            Matcher m = Pattern.compile("@@([A-Z0-9_]+)@@").matcher(Files.readString(GCE.resolve(template)));
            while (m.find()) {
                assertThat(settings.containsKey(m.group(1)) || COMPUTED.containsKey(m.group(1)))
                        .as("%s uses @@%s@@", template, m.group(1))
                        .isTrue();
            }
        }
    }

    @Test
    @DisplayName("the GCE config validates with the container's environment")
    void configValidates() throws ConfigException {
        FrontConfig config = gceConfig();

        assertThat(config.oauth().issuer()).isEqualTo("https://" + settings.get("DOMAIN"));
        assertThat(config.oauth().identity()).isEqualTo(IdentityKind.GOOGLE);
        assertThat(config.oauth().allowedDomains()).containsExactly(settings.get("ALLOWED_DOMAIN"));
        assertThat(config.server().host()).isEqualTo("0.0.0.0");
    }

    @Test
    @DisplayName("the cluster is enabled, on Redis storage, with the Hazelcast file the VM writes")
    void clusterOnRedis() throws ConfigException {
        FrontConfig config = gceConfig();

        assertThat(config.cluster().enabled()).isTrue();
        assertThat(config.oauth().storage()).isEqualTo(StorageKind.REDIS);
        assertThat(config.oauth().redisUrl()).isEqualTo(COMPUTED.get("REDIS_URL"));
        // The VM's config directory is the container's /etc/mcp-front; fetch-config.sh writes hazelcast.yaml there.
        assertThat(config.cluster().hazelcastConfig()).contains("/etc/mcp-front/hazelcast.yaml");
        assertThat(writtenFile("/etc/mcp-front/fetch-config.sh"))
                .contains("install_file hazelcast.yaml")
                .contains("install_file mcp-front.yaml");
        assertThat(writtenFile("/etc/mcp-front/run-container.sh"))
                .contains("--volume /var/lib/mcp-front/conf:/etc/mcp-front:ro");
        assertThat(containerEnv).containsEntry("MCP_FRONT_CONFIG", "/etc/mcp-front/mcp-front.yaml");
    }

    @Test
    @DisplayName("the container listens on the port and health path that the instance group and health checks use")
    void portAndHealthPath() throws ConfigException, IOException {
        FrontConfig config = gceConfig();

        assertThat(config.server().port()).isEqualTo(Integer.parseInt(settings.get("APP_PORT")));
        assertThat(config.server().healthPath()).isEqualTo(settings.get("HEALTH_PATH"));
        assertThat(containerEnv).containsEntry("PORT", settings.get("APP_PORT"));
        assertThat(script("08-instance-group.sh"))
                .contains("--request-path=\"${HEALTH_PATH}\"")
                .contains("--port=\"${APP_PORT}\"")
                .contains("--named-ports=\"http:${APP_PORT}\"");
        assertThat(script("06-network.sh")).contains("--rules=\"tcp:${APP_PORT}\"");
    }

    @Test
    @DisplayName("every ${VAR} of the GCE config is set by the container environment or documented in env.example.sh")
    void configVariablesProvided() throws IOException {
        Matcher m = CONFIG_REFERENCE.matcher(withoutComments(Files.readString(GCE.resolve("mcp-front.yaml"))));
        Set<String> missing = new TreeSet<>();
        while (m.find()) {
            String name = m.group(1);
            boolean hasDefault = m.group(2) != null;
            if (!hasDefault && !containerEnv.containsKey(name) && !settings.containsKey(name)) {
                missing.add(name);
            }
        }
        assertThat(missing).isEmpty();
        // The one value that comes from Secret Manager reaches the container through runtime.env.
        assertThat(writtenFile("/etc/mcp-front/fetch-config.sh")).contains("GOOGLE_CLIENT_SECRET=");
        assertThat(writtenFile("/etc/mcp-front/run-container.sh"))
                .contains("--env-file /var/lib/mcp-front/runtime.env");
    }

    @Test
    @DisplayName("the container mounts the Docker socket, uses host networking and logs JSON")
    void containerRuntime() {
        String run = writtenFile("/etc/mcp-front/run-container.sh");

        assertThat(run)
                .contains("--volume /var/run/docker.sock:/var/run/docker.sock")
                .contains("--network host")
                .contains("--env-file /etc/mcp-front/container.env")
                .contains(COMPUTED.get("IMAGE"));
        assertThat(containerEnv).containsEntry("LOG_FORMAT", "json");
        assertThat(writtenFile("/etc/systemd/system/mcp-front.service"))
                .contains("ExecStart=/bin/bash /etc/mcp-front/run-container.sh")
                .contains("ExecStartPre=/bin/bash /etc/mcp-front/fetch-config.sh");
    }

    @Test
    @DisplayName("no secret is written into the instance template")
    void noSecretsInTemplate() throws IOException {
        String template = render(GCE.resolve("cloud-init.yaml"), withComputed());

        assertThat(containerEnv).doesNotContainKey("GOOGLE_CLIENT_SECRET");
        assertThat(template).doesNotContain(FETCHED_AT_BOOT.get("GOOGLE_CLIENT_SECRET"));
        assertThat(script("07-instance-template.sh")).doesNotContain("GOOGLE_CLIENT_SECRET");
    }

    @Test
    @DisplayName("Hazelcast finds members by the template's label in the region, with phone-home off")
    @SuppressWarnings("unchecked")
    void hazelcastGcpDiscovery() throws IOException {
        Map<String, Object> hazelcast = (Map<String, Object>)
                yaml(render(GCE.resolve("hazelcast-gcp.yaml"), withComputed())).get("hazelcast");
        Map<String, Object> network = (Map<String, Object>) hazelcast.get("network");
        Map<String, Object> join = (Map<String, Object>) network.get("join");
        Map<String, Object> gcp = (Map<String, Object>) join.get("gcp");

        assertThat(gcp)
                .containsEntry("enabled", true)
                .containsEntry("label", "mcp-front-cluster=" + settings.get("CLUSTER_NAME"))
                .containsEntry("region", settings.get("REGION"));
        assertThat((Map<String, Object>) join.get("multicast")).containsEntry("enabled", false);
        assertThat((Map<String, Object>) hazelcast.get("properties"))
                .containsEntry("hazelcast.phone.home.enabled", false);
        assertThat(((Map<String, Object>) network.get("port")).get("port"))
                .isEqualTo(Integer.parseInt(settings.get("HAZELCAST_PORT")));
        assertThat(script("07-instance-template.sh"))
                .contains("--labels=\"mcp-front-cluster=${CLUSTER_NAME}")
                .contains("--tags=\"${NETWORK_TAG}\"");
        assertThat(script("06-network.sh")).contains("--rules=\"tcp:${HAZELCAST_PORT},tcp:${EVENTBUS_PORT}\"");
        assertThat(containerEnv).containsEntry("MCP_FRONT_EVENTBUS_PORT", settings.get("EVENTBUS_PORT"));
    }

    @Test
    @DisplayName("the load balancer's backend timeout lets SSE streams live at least an hour, without affinity")
    void backendTimeout() throws IOException {
        String lb = script("09-load-balancer.sh");
        Matcher timeout = Pattern.compile("--timeout=\"\\$\\{([A-Z_]+)}\"").matcher(lb);

        assertThat(timeout.find())
                .as("09-load-balancer.sh passes --timeout from env.sh")
                .isTrue();
        assertThat(Integer.parseInt(settings.get(timeout.group(1)))).isGreaterThanOrEqualTo(3600);
        assertThat(lb)
                .contains("--session-affinity=NONE")
                .contains("--connection-draining-timeout=\"${DRAIN_TIMEOUT_SEC}\"");
        assertThat(Integer.parseInt(settings.get("DRAIN_TIMEOUT_SEC"))).isGreaterThanOrEqualTo(35);
    }

    @Test
    @DisplayName("every script starts with #!/usr/bin/env bash and sets -euo pipefail")
    void scriptHeaders() throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(GCE)) {
            // env.sh is the operator's own copy of env.example.sh, not part of the repository.
            scripts = files.filter(p -> p.toString().endsWith(".sh") && !p.endsWith("env.sh"))
                    .sorted()
                    .toList();
        }
        assertThat(scripts)
                .extracting(p -> p.getFileName().toString())
                .contains("lib.sh", "env.example.sh", "01-enable-apis.sh", "09-load-balancer.sh", "99-teardown.sh");
        for (Path script : scripts) {
            List<String> lines = Files.readAllLines(script);
            assertThat(lines.get(0)).as(script.toString()).isEqualTo("#!/usr/bin/env bash");
            assertThat(lines).as(script.toString()).contains("set -euo pipefail");
        }
    }

    private static FrontConfig gceConfig() throws ConfigException {
        Map<String, String> env = new HashMap<>(containerEnv);
        env.putAll(FETCHED_AT_BOOT);
        return ConfigParser.parse(ConfigFiles.read(GCE.resolve("mcp-front.yaml")), env);
    }

    private static Map<String, String> withComputed() {
        Map<String, String> values = new HashMap<>(settings);
        values.putAll(COMPUTED);
        return values;
    }

    /** env.example.sh's NAME="value" lines, with ${NAME} references resolved as bash would. */
    private static Map<String, String> envExample() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(GCE.resolve("env.example.sh"))) {
            Matcher m = ASSIGNMENT.matcher(line.trim());
            if (m.matches()) {
                values.put(
                        m.group(1),
                        SHELL_REFERENCE
                                .matcher(m.group(2))
                                .replaceAll(r -> Matcher.quoteReplacement(values.getOrDefault(r.group(1), ""))));
            }
        }
        return values;
    }

    /** lib.sh's render: every @@NAME@@ replaced by its value; a placeholder without one fails. */
    private static String render(Path template, Map<String, String> values) throws IOException {
        Matcher m = Pattern.compile("@@([A-Z0-9_]+)@@").matcher(Files.readString(template));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            assertThat(value).as("%s: value of @@%s@@", template, m.group(1)).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    @SuppressWarnings("unchecked")
    private static String writtenFile(String path) {
        List<Map<String, Object>> files = (List<Map<String, Object>>) cloudInit.get("write_files");
        return files.stream()
                .filter(f -> path.equals(f.get("path")))
                .map(f -> (String) f.get("content"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("cloud-init.yaml writes no " + path));
    }

    private static Map<String, String> envFile(String content) {
        return content.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1], (a, b) -> b, LinkedHashMap::new));
    }

    private static String withoutComments(String yaml) {
        return yaml.lines().filter(l -> !l.stripLeading().startsWith("#")).collect(Collectors.joining("\n"));
    }

    private static String script(String name) throws IOException {
        return Files.readString(GCE.resolve(name));
    }

    private static Map<String, Object> yaml(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }
}
