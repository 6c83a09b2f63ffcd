package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.TestTokens;

/**
 * Clients that hold a connection without finishing a request: idle, headers sent a line at a time,
 * a body sent a byte at a time, a kept-alive connection whose next request never completes. Each is
 * closed once its timeout passes, while an SSE stream that carries only keep-alives stays open.
 * The timeouts are short here (read 2 s, idle 4 s); every wait is bounded far above them.
 */
@DisplayName("Connections that send slowly or not at all")
@Timeout(120)
class SlowSendersIT {

    /** Well past every timeout of this config, and short enough that a connection left open fails the test fast. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(20);

    private static FrontHarness front;

    @BeforeAll
    static void start() {
        front = FrontHarness.start("""
                - path: "/tool"
                  type: stdio
                  command: ["node", "%s"]
                """.formatted(NodeTools.script("stdio-test-server.mjs")), """
                read_timeout: "2s"
                idle_timeout: "4s"
                sse_keepalive: "1s"
                """);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", front.port()), 5_000);
        socket.setSoTimeout(500);
        return socket;
    }

    /**
     * Sends {@code trickle} one piece every 500 ms (after {@code first}) until the server closes the
     * connection; returns how long that took, or fails when it stays open for {@link #CLOSED_WITHIN}.
     */
    private static Duration closedWhileTrickling(Socket socket, String first, String trickle) throws Exception {
        long started = System.nanoTime();
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        if (!first.isEmpty()) {
            out.write(first.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        long nextPiece = System.nanoTime();
        while (System.nanoTime() - started < CLOSED_WITHIN.toNanos()) {
            if (!trickle.isEmpty() && System.nanoTime() >= nextPiece) {
                try {
                    out.write(trickle.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException closed) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
                nextPiece = System.nanoTime() + 500_000_000L;
            }
            try {
                if (in.read(new byte[4096]) < 0) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (SocketTimeoutException stillOpen) {
                // Nothing came; keep trickling.
            } catch (IOException reset) {
                return Duration.ofNanos(System.nanoTime() - started);
            }
        }
        throw new AssertionError("the connection was still open after " + CLOSED_WITHIN);
    }

    @Test
    @DisplayName("a connection that sends nothing is closed after the read timeout")
    void idleNewConnection() throws Exception {
        try (Socket socket = connect()) {
            assertThat(closedWhileTrickling(socket, "", "")).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    @DisplayName("a request head sent one header line at a time is cut off at the read timeout")
    void trickledHeaders() throws Exception {
        try (Socket socket = connect()) {
            closedWhileTrickling(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: 1\r\n");
        }
    }

    @Test
    @DisplayName("a body sent one byte at a time is cut off at the read timeout")
    void trickledBody() throws Exception {
        try (Socket socket = connect()) {
            closedWhileTrickling(
                    socket,
                    "POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n{",
                    " ");
        }
    }

    @Test
    @DisplayName("a kept-alive connection whose next request head never completes is closed after the idle timeout")
    void trickledNextRequest() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(socket, "\"UP\"")).startsWith("HTTP/1.1 200");
            closedWhileTrickling(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: 1\r\n");
        }
    }

    @Test
    @DisplayName("an SSE stream that carries only keep-alives stays open well past both timeouts")
    void sseStreamLeftAlone() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(("GET /tool/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                                    + "Authorization: " + TestTokens.bearer() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(socket, "event: endpoint")).startsWith("HTTP/1.1 200");
            boolean open = true;
            int keepAlives = 0;
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            byte[] buffer = new byte[4096];
            while (open && System.nanoTime() < until) {
                try {
                    int n = socket.getInputStream().read(buffer);
                    if (n < 0) {
                        open = false;
                    } else {
                        keepAlives += new String(buffer, 0, n, StandardCharsets.UTF_8).split("\n:", -1).length - 1;
                    }
                } catch (SocketTimeoutException quiet) {
                    // Between keep-alives.
                }
            }
            assertThat(open)
                    .as("the stream is still open after 10 s (read timeout 2 s, idle timeout 4 s)")
                    .isTrue();
            assertThat(keepAlives).as("keep-alive comments received").isGreaterThanOrEqualTo(3);
        }
    }

    /** Reads until {@code marker} has arrived (or fails after 10 s); returns what came. */
    private static String readUntil(Socket socket, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        byte[] buffer = new byte[4096];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            assertThat(System.nanoTime())
                    .as("'" + marker + "' within 10 s; got: " + seen)
                    .isLessThan(until);
            try {
                int n = socket.getInputStream().read(buffer);
                assertThat(n).as("connection open; got: " + seen).isPositive();
                seen.write(buffer, 0, n);
            } catch (SocketTimeoutException notYet) {
                // Keep waiting.
            }
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
