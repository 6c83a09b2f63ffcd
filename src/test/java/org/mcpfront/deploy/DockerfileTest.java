package org.mcpfront.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.deploy.Dockerfile.Copy;
import org.mcpfront.deploy.Dockerfile.Instruction;
import org.mcpfront.deploy.Dockerfile.Stage;

@DisplayName("The Dockerfile")
class DockerfileTest {

    private static Dockerfile dockerfile;

    @BeforeAll
    static void read() throws IOException {
        dockerfile = Dockerfile.read(DeployFiles.DOCKERFILE);
    }

    @Test
    @DisplayName("builds in one stage and runs in another, each from a pinned image")
    void stages() {
        assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(dockerfile.stages().get(0).image()).startsWith("maven:3.9");
        assertThat(dockerfile.runtime().image())
                .startsWith("eclipse-temurin:17")
                .contains("-jre");
        // A tag with a full version: a rebuild next month gets the same base unless someone bumps it.
        assertThat(dockerfile.stages())
                .allSatisfy(stage -> assertThat(stage.image()).matches("[a-z0-9./-]+:\\d+\\.\\d+\\.\\d+[^:]*"));
    }

    @Test
    @DisplayName("the build stage resolves dependencies from pom.xml alone before it copies the sources")
    void dependencyLayerFirst() {
        Stage build = dockerfile.stages().get(0);
        Instruction pom = copyOf(build, "pom.xml");
        Instruction offline = build.all("RUN").stream()
                .filter(run -> run.args().contains("dependency:go-offline"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RUN mvn dependency:go-offline"));
        Instruction sources = copyOf(build, "src");
        Instruction packageRun = build.all("RUN").stream()
                .filter(run -> run.args().contains(" package"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RUN mvn package"));

        assertThat(List.of(
                        build.indexOf(pom), build.indexOf(offline), build.indexOf(sources), build.indexOf(packageRun)))
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(packageRun.args()).contains("-DskipTests").contains("-DskipNpm");
    }

    @Test
    @DisplayName("the image runs as a numeric user that is not root, created with uid 10001")
    void nonRootUser() {
        String user = dockerfile
                .runtime()
                .last("USER")
                .orElseThrow(() -> new AssertionError("no USER"))
                .args();
        String uid = user.split(":")[0];

        assertThat(uid).isNotIn("root", "0").isEqualTo("10001");
        assertThat(dockerfile.runtime().all("RUN"))
                .anySatisfy(run -> assertThat(run.args()).contains("--uid 10001"));
    }

    @Test
    @DisplayName("ENTRYPOINT is exec form: java with container-aware memory flags and the jar COPY puts there")
    void entrypoint() {
        List<String> entrypoint = dockerfile
                .runtime()
                .last("ENTRYPOINT")
                .orElseThrow(() -> new AssertionError("no ENTRYPOINT"))
                .execForm();

        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
                .containsExactly("-jar", "/app/mcp-front.jar");
        Copy jar = dockerfile
                .runtime()
                .copyTo("/app/mcp-front.jar")
                .orElseThrow(() -> new AssertionError("no COPY writes /app/mcp-front.jar"));
        assertThat(jar.from()).isEqualTo(dockerfile.stages().get(0).name());
        assertThat(jar.source()).endsWith("/target/mcp-front.jar");
        assertThat(dockerfile.runtime().last("WORKDIR")).map(Instruction::args).contains("/app");
    }

    @Test
    @DisplayName("CMD names a config file that COPY puts there from the repository")
    void defaultConfig() {
        String path = DeployFiles.defaultConfigPath(dockerfile);

        assertThat(path).isEqualTo("/app/conf/mcp-front.yaml");
        assertThat(DeployFiles.repositoryFileAt(dockerfile, path)).isRegularFile();
    }

    @Test
    @DisplayName("HEALTHCHECK asks the default config's health path on its port, which EXPOSE publishes")
    void healthcheckAndPort() throws Exception {
        Path config = DeployFiles.repositoryFileAt(dockerfile, DeployFiles.defaultConfigPath(dockerfile));
        Map<String, String> env = new HashMap<>(DeployFiles.exampleEnv());
        env.putAll(DeployFiles.GOOGLE_CLIENT);
        FrontConfig front = DeployFiles.frontConfig(config, env);
        Instruction healthcheck =
                dockerfile.runtime().last("HEALTHCHECK").orElseThrow(() -> new AssertionError("no HEALTHCHECK"));

        assertThat(healthcheck.afterFlags()).startsWith("CMD ");
        List<String> probe = execForm(healthcheck.afterFlags().substring("CMD ".length()));
        assertThat(probe.get(0)).isEqualTo("curl");
        // -f: an HTTP error status fails the check, not only a refused connection.
        assertThat(probe).anySatisfy(option -> assertThat(option).matches("-[a-zA-Z]*f[a-zA-Z]*"));
        assertThat(probe.get(probe.size() - 1))
                .isEqualTo("http://127.0.0.1:" + front.server().port()
                        + front.server().healthPath());
        assertThat(dockerfile.runtime().last("EXPOSE"))
                .map(Instruction::args)
                .contains(Integer.toString(front.server().port()));
        assertThat(front.server().host())
                .as("a container must listen beyond its loopback")
                .isEqualTo("0.0.0.0");
    }

    @Test
    @DisplayName("logs are JSON, and no JAVA_TOOL_OPTIONS makes the JVM print a line that is not")
    void jsonLogs() {
        assertThat(dockerfile.runtime().env())
                .containsEntry("LOG_FORMAT", "json")
                .doesNotContainKey("JAVA_TOOL_OPTIONS");
    }

    @Test
    @DisplayName("the Docker CLI comes from Docker's apt repository as docker-ce-cli, without the daemon")
    void dockerCli() {
        List<String> runs =
                dockerfile.runtime().all("RUN").stream().map(Instruction::args).toList();

        assertThat(runs)
                .anySatisfy(run -> assertThat(run)
                        .contains("https://download.docker.com/linux/ubuntu")
                        .contains("signed-by=")
                        .contains("apt-get install -y --no-install-recommends docker-ce-cli"));
        assertThat(runs).noneSatisfy(run -> assertThat(run).containsAnyOf("docker.io", "docker-ce ", "containerd"));
    }

    @Test
    @DisplayName(
            ".dockerignore keeps build output, Node packages, git history and .env files out, and the default config "
                    + "in")
    void dockerignore() throws IOException {
        List<String> patterns = Files.readAllLines(DeployFiles.DOCKERIGNORE).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();

        assertThat(patterns).contains("target/", "**/node_modules/", ".git/", "**/.env");
        String defaultConfig = DeployFiles.repositoryFileAt(dockerfile, DeployFiles.defaultConfigPath(dockerfile))
                .toString();
        assertThat(patterns).contains("!" + defaultConfig);
        assertThat(patterns).doesNotContain("src/", "src", "pom.xml");
    }

    private static Instruction copyOf(Stage stage, String source) {
        return stage.all("COPY").stream()
                .filter(copy -> Copy.of(copy).source().equals(source))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no COPY " + source + " in the build stage"));
    }

    private static List<String> execForm(String text) {
        return Dockerfile.Instruction.of("CMD " + text).execForm();
    }
}
