package org.mcpfront.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis of the test's own: a Testcontainers container when a Docker engine answers, otherwise a
 * {@code redis-server} started on a free loopback port (Debian's package). Never a shared instance.
 * Without either, the test fails and says what to install.
 */
public final class RedisServer implements AutoCloseable {

    private final AutoCloseable running;
    private final String url;

    private RedisServer(AutoCloseable running, String url) {
        this.running = running;
        this.url = url;
    }

    public static RedisServer start() {
        return start(FreePorts.next());
    }

    /** Starts on {@code port} of loopback, so that a test can restart one on the same address. */
    public static RedisServer start(int port) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            GenericContainer<?> container =
                    new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
            container.setPortBindings(List.of("127.0.0.1:" + port + ":6379"));
            container.start();
            return new RedisServer(container::stop, "redis://127.0.0.1:" + port);
        }
        String binary = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").stream()
                .filter(path -> Files.isExecutable(Path.of(path)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "Redis tests need Docker or redis-server: apt-get install redis-server (the .ci/run "
                                + "script does)"));
        ChildProcess server = new ChildProcess(
                "redis-server",
                List.of(
                        binary,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no"),
                Map.of(),
                null) {};
        server.listeningOn(port);
        return new RedisServer(server, "redis://127.0.0.1:" + port);
    }

    public String url() {
        return url;
    }

    @Override
    public void close() throws Exception {
        running.close();
    }
}
