package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.HttpTestServer;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.ProcTable;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;
import org.mcpfront.transport.SseWriter;

/**
 * Backpressure end to end: a client that stops reading a stream pauses the backend (a stdio process is
 * stopped, an HTTP backend's response is no longer read) instead of mcp-front buffering the flood up to
 * its 32 MiB cut-off; once the client reads again, everything arrives, in order.
 */
@DisplayName("backpressure")
@Timeout(180)
class BackpressureIT {

    /**
     * More than mcp-front keeps for one stalled client (32 MiB): buffered whole, it would be cut off. A stopped
     * process writes nothing more whatever the size; an HTTP backend's flood is four times the bound, so that
     * what it wrote before the pause took hold shows as a plateau far below it.
     */
    private static final int STDIO_FLOOD_MIB = 40;

    private static final int HTTP_FLOOD_MIB = 128;

    /** One event of the floods: a progress notification carrying 1 MiB, and its framing. */
    private static final long EVENT_BYTES = 1024 * 1024 + 512;

    /**
     * The most mcp-front may hold of an HTTP backend's flood for a client that reads nothing, whatever the flood's
     * size: what the client's stream may queue before the session is told to pause ({@link SseWriter#FLOW_BYTES}),
     * and one event at each of four places: the event that crossed that bound, one the session forwards while
     * that word travels to it (one hop between event loops), the event being read from the backend, and one read
     * of the backend's connection (Vert.x reads up to 16 × 64 KiB at a time) before the pause takes hold.
     */
    private static final long HELD_BOUND = SseWriter.FLOW_BYTES + 4 * EVENT_BYTES;

    private FrontHarness front;
    private HttpTestServer backend;

    @AfterEach
    void stop() {
        Closeables.closeAll(front, backend);
    }

    private static String initialize(String url) {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(url, RawHttp.INITIALIZE));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        RawHttp.send(RawHttp.mcpPost(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
        return session;
    }

    /** POSTs a flood of 1 MiB progress notifications on a socket with a small receive buffer, read later. */
    private Socket floodPost(String path, String session, int mib) throws IOException {
        return floodPost(path, session, "flood", mib);
    }

    /** The same for the tool {@code tool}. */
    private Socket floodPost(String path, String session, String tool, int mib) throws IOException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\"," + "\"arguments\":{\"count\":" + mib + ",\"kib\":1024},\"_meta\":{\"progressToken\":\"big\"}}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Socket socket = slowReader();
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TestTokens.bearer()
                + "\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
                + "Mcp-Session-Id: " + session + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return socket;
    }

    /** A connection to mcp-front with a small receive buffer, so that a client that does not read is felt soon. */
    private Socket slowReader() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", front.port()));
        socket.setSoTimeout(60_000);
        return socket;
    }

    /** Opens the session's GET stream (for the server's own messages) and reads its head, and then nothing. */
    private Socket serverStream(String path, String session) throws IOException {
        Socket socket = slowReader();
        String head = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TestTokens.bearer()
                + "\r\nAccept: text/event-stream\r\nMcp-Session-Id: " + session + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf("\r\n\r\n") < 0) {
            int b = socket.getInputStream().read();
            if (b < 0) {
                throw new AssertionError("the GET stream closed: " + seen);
            }
            seen.append((char) b);
        }
        assertThat(seen.toString()).startsWith("HTTP/1.1 200");
        return socket;
    }

    /** Calls the flood tool of {@code session} on a thread of its own (the log messages go to the GET stream). */
    private CompletableFuture<String> floodCall(String session, String id) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/call\",\"params\":{"
                + "\"name\":\"flood\",\"arguments\":{\"count\":" + STDIO_FLOOD_MIB + ",\"kib\":1024}}}";
        return CompletableFuture.supplyAsync(() -> RawHttp.send(RawHttp.mcpPost(front.url("/ok/mcp"), body)
                        .header("Mcp-Session-Id", session)
                        .timeout(Duration.ofSeconds(90)))
                .body());
    }

    /** Reads and drops whatever {@code socket} receives, on a thread of its own, until it closes. */
    private static void discard(Socket socket) {
        CompletableFuture.runAsync(() -> {
            try {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException closedByTheTest) {
                // The test is over with it.
            }
        });
    }

    /** Reads the stream up to the flood's answer; returns the progress notifications seen before it, in order. */
    private static int readFlood(Socket socket) throws IOException {
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
        int progress = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            if (line.contains("\"notifications/progress\"")) {
                assertThat(line).as("progress in order").contains("\"progress\":" + (progress + 1) + ",");
                progress++;
            } else if (line.contains("\"id\":\"big\"")) {
                assertThat(line).contains("flooded");
                return progress;
            }
        }
        throw new AssertionError("the stream ended before the flood's answer, after " + progress + " notifications");
    }

    private static Optional<ProcTable.Proc> stdioServer() {
        return ProcTable.children().stream()
                .filter(p -> p.command().contains("stdio-test-server"))
                .findFirst();
    }

    private static char stateOf(long pid) {
        return ProcTable.children().stream()
                .filter(p -> p.pid() == pid)
                .map(ProcTable.Proc::state)
                .findFirst()
                .orElse('?');
    }

    /** Waits until the process {@code pid} (a child of this JVM) is in {@code state}; returns the last state seen. */
    private static char awaitState(long pid, char state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        char seen = stateOf(pid);
        while (seen != state && System.nanoTime() < deadline) {
            FreePorts.sleep(50);
            seen = stateOf(pid);
        }
        return seen;
    }

    private static char awaitState(char state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        char seen = stdioServer().map(ProcTable.Proc::state).orElse('?');
        while (seen != state && System.nanoTime() < deadline) {
            FreePorts.sleep(50);
            seen = stdioServer().map(ProcTable.Proc::state).orElse('?');
        }
        return seen;
    }

    @Test
    @DisplayName("a stdio process flooding a client that does not read is stopped, and runs on when it reads")
    void stdioFlood() throws Exception {
        front = FrontHarness.start(
                """
                - path: "/ok"
                  type: stdio
                  command: ["node", "%s"]
                  timeout: "120s"
                """.formatted(NodeTools.script("stdio-test-server.mjs")),
                // Long enough that only backpressure, not the cut-off, deals with the stalled client here.
                "slow_client_timeout: \"60s\"");
        String session = initialize(front.url("/ok/mcp"));
        try (Socket socket = floodPost("/ok/mcp", session, STDIO_FLOOD_MIB)) {
            assertThat(awaitState('T', Duration.ofSeconds(30)))
                    .as("the process is stopped while its client does not read")
                    .isEqualTo('T');
            FreePorts.sleep(2_000);
            assertThat(stdioServer().orElseThrow().state())
                    .as("and stays stopped")
                    .isEqualTo('T');

            assertThat(readFlood(socket)).as("every notification arrived").isEqualTo(STDIO_FLOOD_MIB);
            assertThat(awaitState('S', Duration.ofSeconds(10)))
                    .as("the process runs again")
                    .isNotEqualTo('T');
        }
        HttpResponse<String> tools = RawHttp.send(
                RawHttp.mcpPost(front.url("/ok/mcp"), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", session));
        assertThat(tools.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a stdio process restarted while its client does not read comes up stopped, and runs when it reads")
    void restartWhilePaused() throws Exception {
        front = FrontHarness.start(
                """
                - path: "/ok"
                  type: stdio
                  command: ["node", "%s"]
                  timeout: "120s"
                  on_process_loss: restart
                """.formatted(NodeTools.script("stdio-test-server.mjs")), "slow_client_timeout: \"60s\"");
        String session = initialize(front.url("/ok/mcp"));
        try (Socket stream = serverStream("/ok/mcp", session)) {
            CompletableFuture<String> first = floodCall(session, "first");
            // Log messages go to the GET stream, which is not read: the process is stopped.
            assertThat(awaitState('T', Duration.ofSeconds(30))).isEqualTo('T');
            long old = stdioServer().orElseThrow().pid();
            assertThat(ProcessHandle.of(old).orElseThrow().destroyForcibly()).isTrue();
            assertThat(first.get(30, TimeUnit.SECONDS))
                    .as("the call in flight at the death fails")
                    .contains("\"id\":\"first\"", "\"error\"");

            long replacement =
                    await(() -> stdioServer().map(ProcTable.Proc::pid).orElse(old), pid -> pid != old);
            assertThat(replacement).as("a new process carries the session on").isNotEqualTo(old);
            // The GET stream still holds what the first process wrote, unread.
            assertThat(awaitState(replacement, 'T', Duration.ofSeconds(30)))
                    .as("the new process is stopped once it answered mcp-front's initialize")
                    .isEqualTo('T');
            CompletableFuture<String> second = floodCall(session, "second");
            FreePorts.sleep(2_000);
            assertThat(stateOf(replacement))
                    .as("and stays stopped, its flood unsent")
                    .isEqualTo('T');
            assertThat(second).isNotDone();

            discard(stream);
            assertThat(second.get(60, TimeUnit.SECONDS))
                    .as("once the client reads, the new process runs and answers")
                    .contains("\"id\":\"second\"", "flooded");
            assertThat(stateOf(replacement)).isNotEqualTo('T');
        }
    }

    @Test
    @DisplayName("a stdio process whose client does not read is ended at once when its session is deleted")
    void deleteWhilePaused() throws Exception {
        front = FrontHarness.start(
                """
                - path: "/ok"
                  type: stdio
                  command: ["node", "%s"]
                  timeout: "120s"
                """.formatted(NodeTools.script("stdio-test-server.mjs")), "slow_client_timeout: \"60s\"");
        String session = initialize(front.url("/ok/mcp"));
        try (Socket socket = floodPost("/ok/mcp", session, STDIO_FLOOD_MIB)) {
            assertThat(awaitState('T', Duration.ofSeconds(30))).isEqualTo('T');
            long pid = stdioServer().orElseThrow().pid();
            long start = System.nanoTime();
            HttpResponse<String> deleted = RawHttp.send(RawHttp.request(front.url("/ok/mcp"))
                    .header("Mcp-Session-Id", session)
                    .DELETE());
            assertThat(deleted.statusCode()).isIn(200, 202, 204);
            await(() -> ProcTable.alive(pid), alive -> !alive);
            assertThat(ProcTable.alive(pid)).as("the stopped process is reaped").isFalse();
            // A stopped process holds SIGTERM until it runs again: without a SIGCONT only the SIGKILL
            // after the grace period would end it.
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("ended by its SIGTERM, not by the SIGKILL after the grace period")
                    .isLessThan(Duration.ofSeconds(4));
            assertThat(ProcTable.children())
                    .as("no child left, stopped or zombie")
                    .isEmpty();
        }
    }

    @Test
    @DisplayName("mcp-front shutting down ends and reaps a stdio process whose client does not read")
    void shutdownWhilePaused() throws Exception {
        front = FrontHarness.start(
                """
                - path: "/ok"
                  type: stdio
                  command: ["node", "%s"]
                  timeout: "120s"
                """.formatted(NodeTools.script("stdio-test-server.mjs")), "slow_client_timeout: \"60s\"");
        String session = initialize(front.url("/ok/mcp"));
        try (Socket socket = floodPost("/ok/mcp", session, STDIO_FLOOD_MIB)) {
            assertThat(awaitState('T', Duration.ofSeconds(30))).isEqualTo('T');
            long start = System.nanoTime();
            front.close();
            front = null;
            assertThat(ProcTable.children())
                    .as("no child left, stopped or zombie")
                    .isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("ended by its SIGTERM, not by the SIGKILL after the grace period")
                    .isLessThan(Duration.ofSeconds(4));
        }
    }

    private static <T> T await(Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            FreePorts.sleep(50);
            value = probe.get();
        }
        return value;
    }

    @Test
    @DisplayName("an aggregate's stdio and HTTP members flooding a client that does not read are paused, and resumed")
    void aggregateMembers() throws Exception {
        backend = HttpTestServer.start();
        front = FrontHarness.start(
                """
                - path: "/tools"
                  type: stdio
                  command: ["node", "%s"]
                - { path: "/web", type: http, backend: "%s", protocol: "2025" }
                - { path: "/all", type: aggregate }
                """.formatted(NodeTools.script("stdio-test-server.mjs"), backend.url()),
                "slow_client_timeout: \"60s\"");
        String session = initialize(front.url("/all/mcp"));
        try (Socket socket = floodPost("/all/mcp", session, "tools_flood", STDIO_FLOOD_MIB)) {
            assertThat(awaitState('T', Duration.ofSeconds(30)))
                    .as("the stdio member's process is stopped while the client does not read")
                    .isEqualTo('T');
            assertThat(readFlood(socket)).as("every notification arrived").isEqualTo(STDIO_FLOOD_MIB);
            assertThat(awaitState('S', Duration.ofSeconds(10))).isNotEqualTo('T');
        }
        try (Socket socket = floodPost("/all/mcp", session, "web_flood", HTTP_FLOOD_MIB)) {
            assertThat(plateau()).isPositive();
            assertThat(heldByFront())
                    .as("bytes of the HTTP member's flood mcp-front holds while the client reads nothing")
                    .isLessThan(HELD_BOUND);
            assertThat(readFlood(socket)).as("every notification arrived").isEqualTo(HTTP_FLOOD_MIB);
        }
    }

    /**
     * What mcp-front holds of the flood, once the backend is held back: what the backend wrote, less what still
     * sits in its own buffers and what the kernel holds in the sockets between the backend, mcp-front and the
     * client (all of them, exactly, from /proc/net/tcp).
     */
    private long heldByFront() {
        long written = backend.written();
        long unsent = backend.unsent();
        long kernel = ProcTable.tcpQueued(front.port(), backend.port());
        return written - unsent - kernel;
    }

    /** Waits until the HTTP backend stops getting rid of bytes; returns what it wrote by then. */
    private long plateau() {
        long written = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (long now = backend.written(); now != written && System.nanoTime() < deadline; ) {
            written = now;
            FreePorts.sleep(1_500);
            now = backend.written();
        }
        return written;
    }

    @Test
    @DisplayName("an HTTP backend flooding a client that does not read is no longer read, and is when the client reads")
    void httpFlood() throws Exception {
        backend = HttpTestServer.start();
        front = FrontHarness.start("""
                - path: "/flood"
                  type: http
                  backend: "%s"
                  protocol: "2025"
                """.formatted(backend.url()), "slow_client_timeout: \"60s\"");
        String session = initialize(front.url("/flood/mcp"));
        try (Socket socket = floodPost("/flood/mcp", session, HTTP_FLOOD_MIB)) {
            long total = HTTP_FLOOD_MIB * 1024L * 1024;
            assertThat(plateau())
                    .as("bytes the backend wrote (the flood is " + total + ")")
                    .isPositive();
            assertThat(heldByFront())
                    .as("bytes of the flood mcp-front holds while the client reads nothing")
                    .isLessThan(HELD_BOUND);

            assertThat(readFlood(socket)).as("every notification arrived").isEqualTo(HTTP_FLOOD_MIB);
            assertThat(backend.written()).isGreaterThan(total);
        }
    }
}
