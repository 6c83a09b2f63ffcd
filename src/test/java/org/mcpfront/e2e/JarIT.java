package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.FrontProcess;
import org.mcpfront.testing.JsonLogs;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.RawHttp;

/** The shipped jar, started the way users start it. */
@DisplayName("java -jar mcp-front.jar")
@Timeout(120)
class JarIT {

    @TempDir
    Path dir;

    private Path config(int port, String routes) throws IOException {
        Path file = dir.resolve("front.yaml");
        Files.writeString(file, FrontHarness.yaml(routes, "").replace("port: 0", "port: " + port));
        return file;
    }

    @Test
    @DisplayName("an invalid config exits with code 2 and names the bad key path, listening on nothing")
    void invalidConfig() throws IOException {
        int port = FreePorts.next();
        Path file = config(port, """
                - path: "/a"
                  type: http
                  backend: "http://127.0.0.1:1/mcp"
                  timeout: "5x"
                """);
        try (FrontProcess front = FrontProcess.start(Map.of(), "--config", file.toString())) {
            assertThat(front.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(front.output()).contains("routes[0].timeout").contains("\"5x\"");
        }
    }

    @Test
    @DisplayName("dev sign-in on a listener beyond loopback is refused at start: exit 2, nothing listens")
    void devSignInNeedsLoopbackListener() throws IOException {
        int port = FreePorts.next();
        Path file = config(port, "");
        Files.writeString(file, Files.readString(file).replace("host: \"127.0.0.1\"", "host: \"0.0.0.0\""));
        try (FrontProcess front = FrontProcess.start(Map.of(), "--config", file.toString())) {
            assertThat(front.awaitExit(Duration.ofSeconds(30)))
                    .as(front.output())
                    .isEqualTo(2);
            assertThat(front.output())
                    .contains("oauth.identity")
                    .contains("server.host on loopback")
                    .contains("\"0.0.0.0\"");
        }
    }

    @Test
    @DisplayName(
            "requests that arrive while it starts are all answered (a bounded flood of /health from before it listens)")
    void floodDuringStart() throws Exception {
        int port = FreePorts.next();
        Path file = config(port, "");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<String> unanswered = new CopyOnWriteArrayList<>();
        List<Thread> flood = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread thread = new Thread(
                    () -> {
                        while (!stop.get() && answered.get() < 400) {
                            askHealth(port, answered, unanswered);
                        }
                    },
                    "health-flood-" + i);
            thread.start();
            flood.add(thread);
        }
        try (FrontProcess front = FrontProcess.start(Map.of(), "--config", file.toString())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (answered.get() < 400
                    && System.nanoTime() < deadline
                    && front.process().isAlive()) {
                FreePorts.sleep(50);
            }
            stop.set(true);
            for (Thread thread : flood) {
                thread.join(20_000);
            }
            assertThat(answered.get()).as(front.output()).isPositive();
            assertThat(unanswered)
                    .as("connections accepted but never answered; output:\n" + front.output())
                    .isEmpty();
        } finally {
            stop.set(true);
        }
    }

    /** One GET /health on a new connection; a refused connection (not listening yet) counts for nothing. */
    private static void askHealth(int port, AtomicInteger answered, List<String> unanswered) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream()
                    .write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(12);
            if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ")) {
                answered.incrementAndGet();
            } else {
                unanswered.add("closed without an answer");
            }
        } catch (SocketTimeoutException noAnswer) {
            unanswered.add("no answer within 15 s");
        } catch (IOException notListening) {
            FreePorts.sleep(5);
        }
    }

    @Test
    @DisplayName("validate checks a file without starting: 0 for a good one, 2 and the problems for a bad one")
    void validate() throws IOException {
        try (FrontProcess ok = FrontProcess.start(
                Map.of(),
                "validate",
                "--config",
                Path.of("conf/mcp-front.yaml").toAbsolutePath().toString())) {
            assertThat(ok.awaitExit(Duration.ofSeconds(30))).as(ok.output()).isZero();
            assertThat(ok.output()).contains("is valid");
        }
        Path bad = config(FreePorts.next(), """
                - path: "/a"
                  type: http
                  backend: "not a url"
                """);
        try (FrontProcess invalid = FrontProcess.start(Map.of(), "validate", "--config", bad.toString())) {
            assertThat(invalid.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(invalid.output()).contains("routes[0].backend");
        }
    }

    @Test
    @DisplayName("an unset variable without a default is refused with its name")
    void unsetVariable() throws IOException {
        Path file = config(FreePorts.next(), """
                - path: "/a"
                  type: http
                  backend: "http://127.0.0.1:1/mcp"
                  headers: { Authorization: "Bearer ${MCP_FRONT_TEST_UNSET_TOKEN}" }
                """);
        try (FrontProcess front = FrontProcess.start(Map.of(), "--config", file.toString())) {
            assertThat(front.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(front.output()).contains("MCP_FRONT_TEST_UNSET_TOKEN").contains("routes[0].headers");
        }
    }

    @Test
    @DisplayName(
            "SIGTERM drains stdio sessions: their processes, even one that ignores SIGTERM, are gone when it exits")
    void sigtermDrainsStdioSessions() throws IOException {
        int port = FreePorts.next();
        String command = "[\"node\", \"" + NodeTools.script("stdio-test-server.mjs") + "\"]";
        Path file = config(port, """
                - path: "/tool"
                  type: stdio
                  command: %1$s
                - path: "/stubborn"
                  type: stdio
                  command: %1$s
                  environment: { IGNORE_SIGTERM: "1" }
                """.formatted(command));
        try (FrontProcess front = FrontProcess.start(Map.of(), "--config", file.toString())) {
            FreePorts.awaitListening(port, Duration.ofSeconds(30), front.process());
            for (String route : List.of("/tool", "/stubborn")) {
                assertThat(RawHttp.send(RawHttp.mcpPost(
                                        "http://127.0.0.1:" + port + route + "/mcp", RawHttp.INITIALIZE))
                                .statusCode())
                        .isEqualTo(200);
            }
            List<ProcessHandle> children = front.process().descendants().toList();
            assertThat(children).hasSizeGreaterThanOrEqualTo(2);
            assertThat(front.stop(Duration.ofSeconds(20))).isEqualTo(143);
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            assertThat(front.output()).contains("ignored SIGTERM; sending SIGKILL");
        }
    }

    @Test
    @DisplayName("MCP_FRONT_CONFIG picks the file; JSON logs use Cloud Logging fields; SIGTERM stops it cleanly")
    void runsFromEnvironmentWithJsonLogs() throws IOException {
        int port = FreePorts.next();
        Path file = config(port, "");
        try (FrontProcess front =
                FrontProcess.start(Map.of("MCP_FRONT_CONFIG", file.toString(), "LOG_FORMAT", "json"))) {
            FreePorts.awaitListening(port, Duration.ofSeconds(30), front.process());
            assertThat(RawHttp.send(RawHttp.request("http://127.0.0.1:" + port + "/health"))
                            .statusCode())
                    .isEqualTo(200);
            RawHttp.awaitStatus("http://127.0.0.1:" + port + "/ready", 200);
            // The JVM reports SIGTERM as 128 + 15 once the shutdown hook has drained and stopped everything.
            assertThat(front.stop(Duration.ofSeconds(20)))
                    .as("exit code after SIGTERM")
                    .isEqualTo(143);
            List<String> lines = JsonLogs.assertJsonLines(front.output());
            assertThat(lines.get(lines.size() - 1)).contains("stopped");
        }
    }
}
