package org.mcpfront.session;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * A stdio backend: one child process per session, started from the route's {@code command}. One
 * JSON-RPC message per line each way; stdout lines are passed on untouched, stderr goes to the log and
 * only there (a process that prints a password before it dies must not show it to a client).
 *
 * <p>The process runs as the leader of its own process group, so ending the session reaches all it
 * spawned: stdin is closed, the group gets SIGTERM, and SIGKILL if it is still there after the grace
 * period. NuProcess reaps the child; the final SIGKILL to the group takes any orphaned grandchild.
 * Process I/O happens on NuProcess's threads and is handed to the session's context line by line,
 * so no event loop ever blocks on a pipe.
 */
final class StdioBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(StdioBackend.class);
    /** One stdout line (one JSON-RPC message) larger than this is dropped, not buffered. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    private static final int MAX_STDERR_LINE = 2_000;
    private static final int STDERR_LINES_KEPT = 10;
    private static final int STDERR_LINES_PER_SECOND = 20;
    static final long KILL_GRACE_MS = 5_000;

    private final Vertx vertx;
    private final RouteConfig route;
    private final String session;
    private final BackendListener listener;
    private final Map<String, String> parentEnvironment;
    private final Map<String, String> callerEnvironment;
    private final ArrayDeque<String> lastStderr = new ArrayDeque<>();
    private final Promise<Integer> exit = Promise.promise();
    private Context context;
    private NuProcess process;
    private int pid;
    private boolean closing;
    private long stderrWindowStart;
    private int stderrInWindow;
    private int stderrSuppressed;

    StdioBackend(Vertx vertx, RouteConfig route, String session, BackendListener listener, Map<String, String> parentEnvironment,
                 Map<String, String> callerEnvironment) {
        this.vertx = vertx;
        this.route = route;
        this.session = session;
        this.listener = listener;
        this.parentEnvironment = parentEnvironment;
        this.callerEnvironment = callerEnvironment;
    }

    @Override
    public Future<Void> open() {
        context = vertx.getOrCreateContext();
        List<String> command = new ArrayList<>(route.command().size() + 1);
        // setsid makes the command the leader of a new process group whose id is its pid.
        command.add("setsid");
        command.addAll(route.command());
        NuProcessBuilder builder = new NuProcessBuilder(command, StdioEnvironment.of(parentEnvironment, route.environment(), callerEnvironment));
        builder.setProcessListener(new Pipes());
        // Spawning is a blocking system call: keep it off the event loop.
        return vertx.executeBlocking(builder::start, false).compose(started -> {
            if (started == null || started.getPID() <= 0) {
                log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                        .addKeyValue("command", route.command().get(0)).log("stdio process could not be started");
                return Future.failedFuture("the process could not be started");
            }
            process = started;
            pid = started.getPID();
            log.atInfo().addKeyValue("route", route.path()).addKeyValue("session", session).addKeyValue("pid", pid)
                    .log("stdio process started");
            return Future.<Void>succeededFuture();
        });
    }

    @Override
    public void send(JsonRpcMessage message) {
        String raw = message.raw();
        // Line framing: a message that arrived pretty-printed is re-encoded on one line.
        String line = raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0 ? message.json().encode() : raw;
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (closing || exit.future().isComplete() || !process.isRunning()) {
            // Its exit is reported (or about to be) through onExit; the message has nowhere to go.
            return;
        }
        try {
            process.writeStdin(ByteBuffer.wrap(bytes));
        } catch (IllegalStateException stdinClosed) {
            listener.onFailure("exited", "the process closed its stdin: " + stdinClosed.getMessage());
        }
    }

    @Override
    public void protocolVersion(String version) {
        // stdio has no per-message headers.
    }

    @Override
    public Future<Void> close() {
        if (closing) {
            return exit.future().mapEmpty();
        }
        closing = true;
        if (process == null || exit.future().isComplete()) {
            killGroup(ProcessGroups.SIGKILL);
            return Future.succeededFuture();
        }
        process.closeStdin(true);
        killGroup(ProcessGroups.SIGTERM);
        long killer = vertx.setTimer(KILL_GRACE_MS, t -> {
            log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session).addKeyValue("pid", pid)
                    .log("stdio process ignored SIGTERM; sending SIGKILL");
            killGroup(ProcessGroups.SIGKILL);
            // SIGKILL cannot be ignored; if no exit is reported even so, do not hold the session up.
            vertx.setTimer(KILL_GRACE_MS, u -> {
                if (exit.tryFail("no exit reported after SIGKILL")) {
                    log.atError().addKeyValue("route", route.path()).addKeyValue("session", session)
                            .addKeyValue("pid", pid).log("stdio process not reported as exited after SIGKILL");
                }
            });
        });
        return exit.future()
                .onComplete(ar -> {
                    vertx.cancelTimer(killer);
                    // The leader is gone; anything left in its group is an orphan.
                    killGroup(ProcessGroups.SIGKILL);
                })
                .<Void>mapEmpty()
                .recover(e -> Future.succeededFuture());
    }

    private void killGroup(int signal) {
        if (pid > 0) {
            ProcessGroups.signal(pid, signal);
        }
    }

    // ---- on the session's context ---------------------------------------------------------

    private void onLines(LineSplitter.Lines lines) {
        if (lines.dropped() > 0) {
            log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                    .addKeyValue("dropped", lines.dropped()).addKeyValue("limit_bytes", MAX_LINE_BYTES)
                    .log("stdio process wrote lines over the size limit; dropped them");
        }
        for (String line : lines.lines()) {
            if (line.isBlank()) {
                continue;
            }
            char first = line.stripLeading().charAt(0);
            if (first != '{' && first != '[') {
                log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                        .addKeyValue("line", abbreviate(line)).log("stdio process wrote a line that is not JSON; not forwarded");
                continue;
            }
            listener.onMessage(line, null);
        }
    }

    private void onStderr(List<String> lines) {
        long now = System.nanoTime();
        if (now - stderrWindowStart > 1_000_000_000L) {
            if (stderrSuppressed > 0) {
                log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                        .addKeyValue("suppressed", stderrSuppressed).log("stdio stderr lines not logged (rate limit)");
            }
            stderrWindowStart = now;
            stderrInWindow = 0;
            stderrSuppressed = 0;
        }
        for (String line : lines) {
            String kept = abbreviate(line);
            if (lastStderr.size() == STDERR_LINES_KEPT) {
                lastStderr.poll();
            }
            lastStderr.add(kept);
            if (++stderrInWindow <= STDERR_LINES_PER_SECOND) {
                log.atInfo().addKeyValue("route", route.path()).addKeyValue("session", session)
                        .addKeyValue("stderr", kept).log("stdio stderr");
            } else if (stderrSuppressed++ == 0) {
                log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session)
                        .addKeyValue("lines_per_second", STDERR_LINES_PER_SECOND)
                        .log("stdio stderr is flooding; logging only the first lines each second (rate limit)");
            }
        }
    }

    private void onExit(int code) {
        exit.tryComplete(code);
        if (closing) {
            return;
        }
        killGroup(ProcessGroups.SIGKILL);
        log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", session).addKeyValue("pid", pid)
                .addKeyValue("command", route.command().get(0)).addKeyValue("exit_code", code)
                .addKeyValue("stderr", String.join(" | ", lastStderr)).log("stdio process exited");
        // The reason reaches clients and /ready: never the process's own output, which may hold secrets.
        listener.onFailure("exited", exitReason(code));
    }

    /** What an exit means, from the code alone; 126 and 127 are how setsid reports an exec that failed. */
    private static String exitReason(int code) {
        return switch (code) {
            case Integer.MIN_VALUE -> "the process could not be started (the log has its stderr)";
            case 126 -> "the command could not be executed (exit code 126; the log has its stderr)";
            case 127 -> "the command was not found (exit code 127; the log has its stderr)";
            default -> "the process exited with code " + code + " (the log has its stderr)";
        };
    }

    private static String abbreviate(String line) {
        return line.length() > MAX_STDERR_LINE ? line.substring(0, MAX_STDERR_LINE) + "…" : line;
    }

    /** NuProcess callbacks, on its I/O threads: cut into lines, then hand over to the context. */
    private final class Pipes extends NuAbstractProcessHandler {
        private final LineSplitter stdout = new LineSplitter(MAX_LINE_BYTES);
        private final LineSplitter stderr = new LineSplitter(MAX_LINE_BYTES);

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            LineSplitter.Lines lines = stdout.feed(buffer);
            String rest = closed ? stdout.rest() : null;
            if (rest != null) {
                lines.lines().add(rest);
            }
            if (!lines.lines().isEmpty() || lines.dropped() > 0) {
                onContext(() -> onLines(lines));
            }
        }

        @Override
        public void onStderr(ByteBuffer buffer, boolean closed) {
            List<String> lines = stderr.feed(buffer).lines();
            String rest = closed ? stderr.rest() : null;
            if (rest != null) {
                lines.add(rest);
            }
            if (!lines.isEmpty()) {
                onContext(() -> StdioBackend.this.onStderr(lines));
            }
        }

        @Override
        public void onExit(int code) {
            // Called once the child is reaped; the context may be gone if the session already ended.
            if (context == null || !onContext(() -> StdioBackend.this.onExit(code))) {
                exit.tryComplete(code);
            }
        }

        /**
         * Hands work to the session's context; false when Vert.x has already closed (a process that
         * outlived the shutdown's drain), where there is nobody left to hand it to.
         */
        private boolean onContext(Runnable work) {
            try {
                context.runOnContext(v -> work.run());
                return true;
            } catch (RejectedExecutionException e) {
                return false;
            }
        }
    }
}
