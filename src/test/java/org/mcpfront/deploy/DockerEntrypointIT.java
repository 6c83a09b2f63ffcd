package org.mcpfront.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.deploy.Dockerfile.Copy;
import org.mcpfront.deploy.Dockerfile.Instruction;
import org.mcpfront.deploy.Dockerfile.Stage;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontProcess;
import org.mcpfront.testing.GoogleStandIn;
import org.mcpfront.testing.JsonLogs;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.RedisServer;

/**
 * What the image runs, without a Docker engine: the Dockerfile's ENTRYPOINT, CMD and ENV, parsed rather
 * than copied, applied to the built jar. The image's {@code /app} is rebuilt in a temp directory from the
 * runtime stage's COPY lines, so the test also catches a CMD or ENTRYPOINT that names a path no COPY
 * writes.
 * <p>
 * The config is the image's own default (whatever COPY puts at CMD's {@code --config}) with the
 * environment docker-compose.yml hands it (.env.example, on top of the image's ENV). Two things differ
 * from a container, and only those: the port, which must be a free one here (a copy of the config
 * with {@code server.port} changed, and the issuer's port with it, as a published port would be), and
 * {@code REDIS_URL}, which names a Redis of the test's own instead of the compose service. The Google
 * client is filled in as a user must (.env.example leaves it empty, and the image refuses to start so),
 * with {@code GOOGLE_ISSUER} pointing at the Google stand-in instead of Google.
 */
@DisplayName("The Dockerfile's ENTRYPOINT, CMD and ENV, run on this machine")
@Timeout(120)
class DockerEntrypointIT {

    private static final Pattern PORT_LINE = Pattern.compile("(?m)^(\\s+port:\\s*)(\\d+)\\s*$");

    @TempDir
    Path app;

    @Test
    @DisplayName("the jar starts on the image's default config, answers health and readiness, and logs JSON lines")
    void entrypoint() throws Exception {
        Dockerfile dockerfile = Dockerfile.read(DeployFiles.DOCKERFILE);
        Stage runtime = dockerfile.runtime();
        String workdir = runtime.last("WORKDIR").map(Instruction::args).orElseThrow();
        rebuildWorkdir(runtime, workdir);
        int port = FreePorts.next();
        Path config = inApp(DeployFiles.defaultConfigPath(dockerfile), workdir);
        Files.writeString(config, withPort(Files.readString(config), port));

        try (RedisServer redis = RedisServer.start();
                GoogleStandIn google = GoogleStandIn.start()) {
            Map<String, String> env = new LinkedHashMap<>(runtime.env());
            env.putAll(DeployFiles.exampleEnv());
            env.put("MCP_FRONT_ISSUER", "http://localhost:" + port);
            env.put("REDIS_URL", redis.url());
            env.put("GOOGLE_CLIENT_ID", GoogleStandIn.CLIENT_ID);
            env.put("GOOGLE_CLIENT_SECRET", GoogleStandIn.CLIENT_SECRET);
            env.put("GOOGLE_ISSUER", google.issuerUrl());
            FrontConfig parsed = DeployFiles.frontConfig(config, env);
            assertThat(parsed.server().port()).isEqualTo(port);

            List<String> command = new ArrayList<>();
            for (String arg : runtime.last("ENTRYPOINT").orElseThrow().execForm()) {
                command.add(local(arg, workdir));
            }
            for (String arg : runtime.last("CMD").orElseThrow().execForm()) {
                command.add(local(arg, workdir));
            }
            assertThat(command).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");

            try (FrontProcess front = FrontProcess.startCommand(command, env, app)) {
                try {
                    FreePorts.awaitListening(port, Duration.ofSeconds(30), front.process());
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + "; output:\n" + front.output(), e);
                }
                String base = "http://127.0.0.1:" + port;
                assertThat(RawHttp.send(RawHttp.request(base + parsed.server().healthPath()))
                                .statusCode())
                        .isEqualTo(200);
                // Ready once the first Redis connection is up; a cold JVM may need a moment.
                RawHttp.awaitStatus(base + "/ready", 200);

                // docker stop: SIGTERM to the JVM, which drains and exits with 128 + 15.
                assertThat(front.stop(Duration.ofSeconds(35)))
                        .as("exit code after SIGTERM")
                        .isEqualTo(143);
                JsonLogs.assertJsonLines(front.output());
            }
        }
    }

    /** The runtime stage's COPY lines, into the temp directory that stands for WORKDIR. */
    private void rebuildWorkdir(Stage runtime, String workdir) throws IOException {
        for (Instruction instruction : runtime.all("COPY")) {
            Copy copy = Copy.of(instruction);
            Path target = inApp(copy.destination(), workdir);
            Files.createDirectories(target.getParent());
            if (copy.from() != null) {
                // From the build stage: the jar `mvn package` has built here.
                assertThat(Path.of(copy.source()).getFileName())
                        .isEqualTo(FrontProcess.jar().getFileName());
                Files.createSymbolicLink(target, FrontProcess.jar());
            } else {
                Files.copy(Path.of(copy.source()), target);
            }
        }
    }

    /** An ENTRYPOINT or CMD argument as it applies here: java of this JDK, paths under WORKDIR in the temp dir. */
    private String local(String arg, String workdir) {
        if (arg.equals("java")) {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
        return arg.startsWith(workdir + "/") ? inApp(arg, workdir).toString() : arg;
    }

    private Path inApp(String containerPath, String workdir) {
        assertThat(containerPath).as("a path the image has under WORKDIR").startsWith(workdir + "/");
        return app.resolve(containerPath.substring(workdir.length() + 1));
    }

    private static String withPort(String yaml, int port) {
        Matcher m = PORT_LINE.matcher(yaml);
        assertThat(m.find()).as("the config sets server.port").isTrue();
        String changed = yaml.substring(0, m.start(2)) + port + yaml.substring(m.end(2));
        assertThat(PORT_LINE.matcher(changed).results().count())
                .as("one port: line")
                .isEqualTo(1);
        return changed;
    }
}
