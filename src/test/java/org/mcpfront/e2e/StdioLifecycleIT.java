package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FreePorts;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.NodeTools;
import org.mcpfront.testing.ProcTable;
import org.mcpfront.testing.RawHttp;
import org.mcpfront.testing.TestTokens;

/**
 * Processes behind stdio routes: start failures, crashes, garbage, and a churn of 300 sessions
 * ended in every way, after which no child, zombie or orphan is left and file descriptors are back.
 */
@DisplayName("stdio processes")
@Timeout(300)
class StdioLifecycleIT {

    @TempDir
    Path grandchildren;

    private FrontHarness front;

    @AfterEach
    void stop() {
        Closeables.closeAll(front);
    }

    private static String testServer() {
        return "[\"node\", \"" + NodeTools.script("stdio-test-server.mjs") + "\"]";
    }

    private String routes() {
        return """
                - path: "/ok"
                  type: stdio
                  command: %1$s
                  timeout: "2s"
                  max_sessions: 100
                  environment: { GRANDCHILD_PID_DIR: "%2$s" }
                - path: "/stubborn"
                  type: stdio
                  command: %1$s
                  max_sessions: 100
                  environment: { IGNORE_SIGTERM: "1" }
                - path: "/noisy"
                  type: stdio
                  command: %1$s
                  environment: { MISBEHAVE: "1" }
                - path: "/missing"
                  type: stdio
                  command: ["/no/such/program", "--flag"]
                - path: "/ends"
                  type: stdio
                  command: %1$s
                  max_sessions: 100
                  on_process_loss: end
                """.formatted(testServer(), grandchildren);
    }

    private static String initialize(String url) {
        return initialize(url, RawHttp.INITIALIZE);
    }

    private static String initialize(String url, String initialize) {
        HttpResponse<String> response = RawHttp.send(RawHttp.mcpPost(url, initialize));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"result\"");
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static HttpResponse<String> call(String url, String session, int id, String tool, String args) {
        return RawHttp.send(RawHttp.mcpPost(
                        url,
                        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                                + tool + "\",\"arguments\":" + args + "}}")
                .header("Mcp-Session-Id", session));
    }

    @Test
    @DisplayName("a command that cannot start gives a JSON-RPC error naming the route, then backs off")
    void missingProgram() {
        front = FrontHarness.start(routes());
        long started = System.nanoTime();
        HttpResponse<String> first = RawHttp.send(RawHttp.mcpPost(front.url("/missing/mcp"), RawHttp.INITIALIZE));
        // The process may die before the session is up (502) or just after (the initialize's error answer).
        JsonObject error = RawHttp.lastMessage(first).getJsonObject("error");
        assertThat(error.getInteger("code")).isEqualTo(-32000);
        // What the process printed stays in the log (it may hold secrets); the exit says enough. NuProcess
        // reports a process that ends at once either with its code (127: not found) or as not started.
        assertThat(error.getString("message"))
                .contains("/missing")
                .containsAnyOf("the command was not found", "could not be started");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));

        // The supervisor hears of the failure before the client does, but on a slow machine a retry may
        // come after the first 1 s back-off; each such retry fails again and doubles it, so one soon lands in it.
        HttpResponse<String> retry;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((retry = RawHttp.send(RawHttp.mcpPost(front.url("/missing/mcp"), RawHttp.INITIALIZE))).statusCode()
                        != 503
                && System.nanoTime() < deadline) {
            assertThat(RawHttp.lastMessage(retry).getJsonObject("error").getString("message"))
                    .as("a retry outside the back-off fails to start again")
                    .contains("/missing");
            FreePorts.sleep(50);
        }
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(503);
        assertThat(new JsonObject(retry.body()).getJsonObject("error").getString("message"))
                .contains("failing to start");

        // /ready answers without the supervisor's data when its check times out on a busy machine.
        JsonObject route = await(
                () -> readyRoute("/missing"),
                r -> r != null && r.containsKey("last_start_failure"),
                Duration.ofSeconds(30));
        assertThat(route).as("/missing in the supervisor's /ready data").isNotNull();
        assertThat(route.getString("last_start_failure"))
                .containsAnyOf("the command was not found", "could not be started");
    }

    /** What /ready says about a route, or null if this answer lacks the supervisor's data. */
    private JsonObject readyRoute(String path) {
        JsonObject ready;
        try {
            ready = new JsonObject(
                    RawHttp.send(RawHttp.request(front.url("/ready"))).body());
        } catch (DecodeException notJson) {
            return null;
        }
        JsonObject supervisor = ready.getJsonArray("checks", new JsonArray()).stream()
                .map(JsonObject.class::cast)
                .filter(check -> "supervisor".equals(check.getString("id")))
                .findFirst()
                .orElse(null);
        JsonObject data = supervisor == null ? null : supervisor.getJsonObject("data");
        JsonObject routes = data == null ? null : data.getJsonObject("routes");
        return routes == null ? null : routes.getJsonObject(path);
    }

    @Test
    @DisplayName(
            "on_process_loss: end — a process that dies mid-call fails the pending request, logs the exit, and its "
                    + "session is gone")
    void crashMidCall() {
        front = FrontHarness.start(routes());
        try (LogCapture logs = new LogCapture()) {
            String session = initialize(front.url("/ends/mcp"));
            HttpResponse<String> response = call(front.url("/ends/mcp"), session, 7, "crash", "{}");
            JsonObject last = RawHttp.lastMessage(response);
            assertThat(last.getInteger("id")).isEqualTo(7);
            assertThat(last.getJsonObject("error").getString("message"))
                    .contains("/ends")
                    .contains("exited");
            assertThat(logs.await(
                            e -> "stdio process exited".equals(e.getFormattedMessage())
                                    && "/ends".equals(LogCapture.fields(e).get("route")),
                            Duration.ofSeconds(15)))
                    .isPresent();
            assertThat(call(front.url("/ends/mcp"), session, 8, "echo", "{\"message\":\"x\"}")
                            .statusCode())
                    .isEqualTo(404);
        }
        awaitNoChildren(Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("on_process_loss: restart — a killed process is replaced, initialized in the client's name, under the "
            + "same session")
    void restartAfterLoss() {
        front = FrontHarness.start(routes());
        String url = front.url("/ok/mcp");
        try (LogCapture logs = new LogCapture()) {
            String session = initialize(url);
            assertThat(RawHttp.send(RawHttp.mcpPost(
                                            url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                                    .header("Mcp-Session-Id", session))
                            .statusCode())
                    .isEqualTo(202);
            JsonObject first = whoami(url, session, 2);
            assertThat(first.getBoolean("initialized")).isTrue();

            // In flight at the death: an error, never resent to the new process.
            JsonObject crashed = RawHttp.lastMessage(call(url, session, 3, "crash", "{}"));
            assertThat(crashed.getInteger("id")).isEqualTo(3);
            assertThat(crashed.getJsonObject("error").getInteger("code")).isEqualTo(-32000);
            assertThat(crashed.getJsonObject("error").getString("message"))
                    .contains("exited")
                    .contains("new process");

            JsonObject second = whoami(url, session, 4);
            assertThat(second.getLong("pid")).as("a new process").isNotEqualTo(first.getLong("pid"));
            assertThat(second.getBoolean("initialized"))
                    .as("told notifications/initialized in the client's name")
                    .isTrue();
            assertThat(logs.await(
                            e -> e.getLevel() == Level.WARN
                                    && e.getFormattedMessage().contains("server-side state is lost")
                                    && session.equals(LogCapture.fields(e).get("session")),
                            Duration.ofSeconds(15)))
                    .isPresent();
            assertThat(logs.await(
                            e -> "upstream session reopened".equals(e.getFormattedMessage())
                                    && session.equals(LogCapture.fields(e).get("session")),
                            Duration.ofSeconds(15)))
                    .as("audited")
                    .isPresent();

            // SIGKILL from outside, between calls.
            assertThat(ProcessHandle.of(second.getLong("pid")).orElseThrow().destroyForcibly())
                    .isTrue();
            JsonObject third = await(
                    () -> {
                        HttpResponse<String> answer = call(url, session, 5, "whoami", "{}");
                        JsonObject message = answer.statusCode() == 200 ? RawHttp.lastMessage(answer) : null;
                        return message == null || message.containsKey("error")
                                ? null
                                : new JsonObject(message.getJsonObject("result")
                                        .getJsonArray("content")
                                        .getJsonObject(0)
                                        .getString("text"));
                    },
                    answer -> answer != null,
                    Duration.ofSeconds(20));
            assertThat(third).as("the session still answers after SIGKILL").isNotNull();
            assertThat(third.getLong("pid")).isNotIn(first.getLong("pid"), second.getLong("pid"));
            assertThat(ProcTable.children())
                    .as("one process serves the session, no zombie")
                    .singleElement()
                    .satisfies(child -> assertThat(child.pid()).isEqualTo(third.getLong("pid")));
            assertThat(ProcTable.alive(second.getLong("pid"))).isFalse();

            RawHttp.send(RawHttp.request(url).header("Mcp-Session-Id", session).DELETE());
            awaitNoChildren(Duration.ofSeconds(30));
        }
    }

    @Test
    @DisplayName("a process that keeps dying is not restarted in a loop: the session ends")
    void keepsDying() {
        front = FrontHarness.start(routes());
        String url = front.url("/ok/mcp");
        String session = initialize(url);
        int deaths = 0;
        HttpResponse<String> response;
        // Three restarts within a minute are carried; the fourth death ends the session.
        do {
            response = call(url, session, 10 + deaths, "crash", "{}");
            deaths++;
        } while (response.statusCode() == 200 && deaths < 10);
        assertThat(deaths)
                .as("crash calls answered before the session was gone")
                .isEqualTo(5);
        assertThat(response.statusCode()).isEqualTo(404);
        awaitNoChildren(Duration.ofSeconds(30));
    }

    private static JsonObject whoami(String url, String session, int id) {
        JsonObject message = RawHttp.lastMessage(call(url, session, id, "whoami", "{}"));
        assertThat(message.containsKey("result")).as(message.encode()).isTrue();
        return new JsonObject(message.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text"));
    }

    @Test
    @DisplayName("garbage lines, a stderr flood and a 1 MiB line leave the gateway serving clean answers")
    void misbehavingProcess() {
        front = FrontHarness.start(routes());
        try (LogCapture logs = new LogCapture()) {
            String session = initialize(front.url("/noisy/mcp"));
            JsonObject echo = RawHttp.lastMessage(
                    call(front.url("/noisy/mcp"), session, 2, "echo", "{\"message\":\"still fine\"}"));
            assertThat(echo.getJsonObject("result")
                            .getJsonArray("content")
                            .getJsonObject(0)
                            .getString("text"))
                    .isEqualTo("Echo: still fine");
            assertThat(logs.await(
                            e -> e.getLevel() == Level.WARN
                                    && e.getFormattedMessage().contains("not JSON"),
                            Duration.ofSeconds(15)))
                    .isPresent();
            assertThat(logs.await(e -> e.getFormattedMessage().contains("rate limit"), Duration.ofSeconds(15)))
                    .as("the stderr flood is rate-limited")
                    .isPresent();
            long stderrLines = logs.events().stream()
                    .filter(e -> "stdio stderr".equals(e.getFormattedMessage()))
                    .count();
            assertThat(stderrLines).isLessThan(2000);
            assertThat(RawHttp.send(RawHttp.request(front.url("/health"))).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    @DisplayName("a config edit that removes a stdio route stops its processes, and a route it adds serves")
    void hotReload() {
        front = FrontHarness.start(routes());
        initialize(front.url("/ok/mcp"));
        initialize(front.url("/ok/mcp"));
        assertThat(ProcTable.children()).hasSize(2);

        front.rewrite("""
                - path: "/other"
                  type: stdio
                  command: %s
                  environment: { MISBEHAVE: "1" }
                """.formatted(testServer()), "");
        awaitNoChildren(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status;
        while ((status = RawHttp.send(RawHttp.mcpPost(front.url("/other/mcp"), RawHttp.INITIALIZE))
                                .statusCode())
                        != 200
                && System.nanoTime() < deadline) {
            FreePorts.sleep(100);
        }
        assertThat(status).as("the added route serves").isEqualTo(200);
        assertThat(ProcTable.children())
                .extracting(ProcTable.Proc::command)
                .anySatisfy(c -> assertThat(c).contains("stdio-test-server"));
        assertThat(RawHttp.send(RawHttp.mcpPost(front.url("/ok/mcp"), RawHttp.INITIALIZE))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    @DisplayName("a client that stops reading its stream is disconnected after slow_client_timeout, ending its session")
    void stalledReader() throws Exception {
        // An idle timeout far off, so that only the cut-off can end the session.
        front = FrontHarness.start(
                routes().replace("timeout: \"2s\"", "timeout: \"60s\""), "slow_client_timeout: \"2s\"");
        try (LogCapture logs = new LogCapture();
                Socket socket =
                        slowReader("GET /ok/sse HTTP/1.1\r\nAccept: text/event-stream\r\n", new byte[0], 30_000)) {
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String endpoint = null;
            while (endpoint == null && (line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    endpoint = line.substring("data: ".length());
                }
            }
            assertThat(endpoint).isNotNull();
            String session = endpoint.replaceFirst("^.*sessionId=", "");
            String messages = front.url(endpoint);
            RawHttp.send(RawHttp.mcpPost(messages, RawHttp.INITIALIZE));
            RawHttp.send(RawHttp.mcpPost(messages, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
            // 64 MiB for a client that reads nothing more.
            RawHttp.send(RawHttp.mcpPost(
                    messages,
                    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                            + "\"params\":{\"name\":\"flood\",\"arguments\":{\"count\":64,\"kib\":1024}}}"));

            assertThat(logs.await(
                            e -> e.getFormattedMessage().startsWith("client too slow")
                                    && session.equals(LogCapture.fields(e).get("session")),
                            Duration.ofSeconds(30)))
                    .as("the stalled client is cut off, and the log says which session")
                    .isPresent();
            assertThat(logs.await(
                            e -> "session closed".equals(e.getFormattedMessage())
                                    && session.equals(LogCapture.fields(e).get("session")),
                            Duration.ofSeconds(20)))
                    .as("and its session ends because its client is gone, not by the idle timeout")
                    .get()
                    .extracting(e -> LogCapture.fields(e).get("reason"))
                    .isEqualTo("client disconnected");
            assertThat(RawHttp.send(RawHttp.request(front.url("/health"))).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    @DisplayName(
            "a stalled reader of a POST stream pauses the process instead of filling the buffer, and is cut off after "
                    + "the timeout, after the stream ended too")
    void stalledPostReader() throws Exception {
        // A timeout long enough that the flood would pass the bound well before it on a slow machine.
        front = FrontHarness.start(
                routes().replace("timeout: \"2s\"", "timeout: \"60s\""), "slow_client_timeout: \"8s\"");
        String session = initialize(front.url("/ok/mcp"));
        try (LogCapture logs = new LogCapture()) {
            // Past the bound if it were buffered: backpressure stops the process instead, so only the timeout cuts.
            try (Socket socket = stalledFloodPost(session, 64, "big")) {
                assertThat(logs.await(
                                e -> e.getFormattedMessage().startsWith("client too slow")
                                        && session.equals(LogCapture.fields(e).get("session")),
                                Duration.ofSeconds(30)))
                        .as("cut off by the timeout, not the bound")
                        .get()
                        .extracting(e -> e.getFormattedMessage())
                        .asString()
                        .contains("took no data for the slow-client timeout");
                assertThat(readToEnd(socket))
                        .as("the queue was dropped, not delivered")
                        .isLessThan(64L * 1024 * 1024);
            }

            // Under the bound: stopped the same way, and dropped after the timeout (its own cut-off, not the first's).
            try (LogCapture later = new LogCapture();
                    Socket socket = stalledFloodPost(session, 16, "ended")) {
                assertThat(later.await(
                                e -> e.getFormattedMessage().startsWith("client too slow: its stream took no data")
                                        && session.equals(LogCapture.fields(e).get("session")),
                                Duration.ofSeconds(30)))
                        .isPresent();
                assertThat(readToEnd(socket))
                        .as("the queue was dropped, not delivered")
                        .isLessThan(16L * 1024 * 1024);
            }
        }
        // The session only lost two streams: it still answers.
        HttpResponse<String> tools = RawHttp.send(
                RawHttp.mcpPost(front.url("/ok/mcp"), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", session));
        assertThat(tools.statusCode()).isEqualTo(200);
        assertThat(RawHttp.lastMessage(tools).getJsonObject("result").getJsonArray("tools"))
                .isNotEmpty();
    }

    /** POSTs a flood of {@code mib} 1 MiB progress notifications on a socket that then reads nothing. */
    private Socket stalledFloodPost(String session, int mib, String id) throws IOException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":\"" + id
                + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"flood\"," + "\"arguments\":{\"count\":" + mib
                + ",\"kib\":1024},\"_meta\":{\"progressToken\":\"" + id + "\"}}}";
        return slowReader(
                "POST /ok/mcp HTTP/1.1\r\nAccept: application/json, text/event-stream\r\n"
                        + "Content-Type: application/json\r\nMcp-Session-Id: " + session + "\r\n",
                body.getBytes(StandardCharsets.UTF_8),
                10_000);
    }

    /**
     * Sends one request (its request line and headers in {@code head}; Host, the token and the
     * body's length are added) on a socket with a small receive buffer, so that the server's
     * writes back up as soon as the test stops reading.
     */
    private Socket slowReader(String head, byte[] body, int timeoutMs) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", front.port()));
        socket.setSoTimeout(timeoutMs);
        socket.getOutputStream()
                .write((head + "Host: 127.0.0.1\r\nAuthorization: " + TestTokens.bearer() + "\r\n"
                                + (body.length > 0 ? "Content-Length: " + body.length + "\r\n" : "") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        return socket;
    }

    /** Reads until the server closes the connection; fails if it does not within the socket's timeout. */
    private static long readToEnd(Socket socket) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (java.net.SocketException e) {
            // A reset is as good an end as a FIN: the server dropped the connection.
        }
        return total;
    }

    @Test
    @DisplayName("300 sessions ended every way leave no child, zombie, orphan or file descriptor behind")
    @Timeout(450) // the churn's 240 s and the waits after it, on a slow machine; about 40 s on a quiet one
    void churn() throws Exception {
        front = FrontHarness.start(routes());
        // Warm up once so that lazily created pools and selectors are in the baseline.
        String warm = initialize(front.url("/ok/mcp"));
        RawHttp.send(RawHttp.request(front.url("/ok/mcp"))
                .header("Mcp-Session-Id", warm)
                .DELETE());
        awaitNoChildren(Duration.ofSeconds(30));
        int filesBefore = ProcTable.openFiles();

        List<String> vanished = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            ExecutorService pool = Executors.newFixedThreadPool(12);
            AtomicInteger done = new AtomicInteger();
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int i = 0; i < 290; i++) {
                int n = i;
                runs.add(CompletableFuture.runAsync(
                        () -> {
                            churnOne(n, vanished);
                            done.incrementAndGet();
                        },
                        pool));
            }
            try {
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertThat(done).hasValue(290);

            // Every way of ending takes the process with it, without waiting for a shutdown.
            awaitNoChildren(Duration.ofSeconds(30));
            // The clients that vanished mid-call did not end their sessions: the idle timeout did.
            List<String> notEndedByIdle = await(
                    () -> {
                        Set<String> idle = logs.events().stream()
                                .filter(e -> "session closed".equals(e.getFormattedMessage())
                                        && LogCapture.fields(e)
                                                .getOrDefault("reason", "")
                                                .startsWith("idle"))
                                .map(e -> LogCapture.fields(e).get("session"))
                                .collect(Collectors.toSet());
                        return vanished.stream()
                                .filter(session -> !idle.contains(session))
                                .toList();
                    },
                    List::isEmpty,
                    Duration.ofSeconds(10));
            assertThat(vanished).isNotEmpty();
            assertThat(notEndedByIdle)
                    .as("sessions of vanished clients not ended by the idle timeout")
                    .isEmpty();
        }

        // The last ten are still open when mcp-front shuts down: the drain must take them too.
        for (int i = 0; i < 10; i++) {
            initialize(front.url(i % 2 == 0 ? "/ok/mcp" : "/stubborn/mcp"));
        }
        front.close();
        front = null;

        awaitNoChildren(Duration.ofSeconds(30));
        // Orphans die by SIGKILL to their group and file descriptors close a moment after the exit
        // is reported: poll rather than read once.
        List<Long> orphans = await(this::runningGrandchildren, List::isEmpty, Duration.ofSeconds(15));
        assertThat(orphans)
                .as("grandchildren still running after their session ended")
                .isEmpty();
        int filesAfter = await(ProcTable::openFiles, files -> files <= filesBefore + 8, Duration.ofSeconds(15));
        assertThat(filesAfter).as("open file descriptors after the churn").isLessThanOrEqualTo(filesBefore + 8);
    }

    private List<Long> runningGrandchildren() {
        try (Stream<Path> pids = Files.list(grandchildren)) {
            return pids.map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(ProcTable::alive)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One session, ended by the n-th of six ways; the sessions of vanished clients go to {@code vanished}. */
    private void churnOne(int n, List<String> vanished) {
        switch (n % 6) {
            case 0 -> { // clean close
                String session = initialize(front.url("/ok/mcp"));
                call(front.url("/ok/mcp"), session, 2, "echo", "{\"message\":\"x\"}");
                RawHttp.send(RawHttp.request(front.url("/ok/mcp"))
                        .header("Mcp-Session-Id", session)
                        .DELETE());
            }
            case 1 -> { // legacy SSE client that goes away
                HttpResponse<Stream<String>> stream = RawHttp.stream(RawHttp.request(front.url("/ok/sse"))
                        .header("Accept", "text/event-stream")
                        .GET());
                var lines = stream.body().iterator();
                lines.next();
                String endpoint = lines.next().substring("data: ".length());
                RawHttp.send(RawHttp.mcpPost(front.url(endpoint), RawHttp.INITIALIZE));
                stream.body().close();
            }
            case 2 -> vanished.add(vanishMidCall()); // the idle timeout ends the session afterwards
            case 3 -> initialize(front.url("/ok/mcp")); // left idle: the 2 s idle timeout ends it
            case 4 -> { // backend killed with SIGKILL mid-call, on a route that ends the session with it
                String session = initialize(front.url("/ends/mcp"));
                call(front.url("/ends/mcp"), session, 4, "crash", "{}");
            }
            default -> { // backend that ignores SIGTERM, closed by the client
                String session = initialize(front.url("/stubborn/mcp"));
                RawHttp.send(RawHttp.request(front.url("/stubborn/mcp"))
                        .header("Mcp-Session-Id", session)
                        .DELETE());
            }
        }
    }

    /**
     * A client that drops its connection while its call runs. Cancelling a java.net.http request does
     * not close the connection, so this speaks HTTP/1.1 on a socket it closes. The call goes in a batch
     * (MCP 2025-03-26) followed by a ping: once the ping's answer is read, the call is certainly in
     * flight on this stream. Returns the session.
     */
    private String vanishMidCall() {
        String session = initialize(front.url("/ok/mcp"), RawHttp.INITIALIZE.replace("2025-06-18", "2025-03-26"));
        byte[] body = ("[{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"sleep\","
                        + "\"arguments\":{\"ms\":1500}}},{\"jsonrpc\":\"2.0\",\"id\":\"first\",\"method\":\"ping\"}]")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", front.port()), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /ok/mcp HTTP/1.1\r\nHost: 127.0.0.1:" + front.port() + "\r\n"
                            + "Authorization: " + TestTokens.bearer() + "\r\nMcp-Session-Id: " + session + "\r\n"
                            + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = reader.readLine();
            assertThat(status).as("status line").startsWith("HTTP/1.1 200");
            String line = reader.readLine();
            while (line != null && !line.contains("\"first\"")) {
                line = reader.readLine();
            }
            assertThat(line)
                    .as("the ping's answer, streamed while the call runs")
                    .isNotNull();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return session;
    }

    /** Probes until {@code done} holds or {@code timeout} passes; returns the last value probed. */
    private static <T> T await(Supplier<T> probe, Predicate<T> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            FreePorts.sleep(100);
            value = probe.get();
        }
        return value;
    }

    private static void awaitNoChildren(Duration timeout) {
        List<ProcTable.Proc> children = await(ProcTable::children, List::isEmpty, timeout);
        assertThat(children).as("child processes (zombies have state Z)").isEmpty();
    }
}
