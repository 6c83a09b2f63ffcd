package org.mcpfront.session;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child process of a stdio route, with its own pipes, exit and stderr memory. Its output goes to an
 * {@link Owner} on that owner's context; the owner can change ({@link #handTo}), so a process started
 * ahead of time in a {@link StdioPool} can be handed to the session that claims it.
 */
final class StdioProcess {

    private static final Logger log = LoggerFactory.getLogger(StdioProcess.class);
    private static final int MAX_STDERR_LINE = 2_000;
    private static final int STDERR_LINES_KEPT = 10;
    private static final int STDERR_LINES_PER_SECOND = 20;

    /** What the process's output and exit are handed to, on {@code context}. */
    interface Owner {
        void onLines(StdioProcess from, LineSplitter.Lines lines);

        void onStderr(StdioProcess from, List<String> lines);

        void onExit(StdioProcess from, int code);
    }

    private record Sink(Context context, Owner owner) {}

    final Promise<Integer> exit = Promise.promise();
    final ArrayDeque<String> lastStderr = new ArrayDeque<>();
    private final Pipes pipes = new Pipes();
    private volatile Sink sink;
    NuProcess process;
    int pid;
    /** Whether it ever wrote a message: one that died before that failed to start. */
    boolean spoke;
    /** When it was started (System.nanoTime). */
    long startedAt;

    private long stderrWindowStart;
    private int stderrInWindow;
    private int stderrSuppressed;

    private StdioProcess(Context context, Owner owner) {
        this.sink = new Sink(context, owner);
    }

    /**
     * Starts {@code command} as the leader of its own process group; fails when it could not be started.
     * Output goes to {@code owner} on {@code context} until it is handed to another.
     */
    static Future<StdioProcess> spawn(
            Vertx vertx, List<String> command, Map<String, String> environment, Context context, Owner owner) {
        List<String> argv = new ArrayList<>(command.size() + 1);
        // setsid makes the command the leader of a new process group whose id is its pid.
        argv.add("setsid");
        argv.addAll(command);
        NuProcessBuilder builder = new NuProcessBuilder(argv, environment);
        StdioProcess next = new StdioProcess(context, owner);
        builder.setProcessListener(next.pipes);
        // Spawning is a blocking system call: keep it off the event loop.
        return vertx.executeBlocking(builder::start, false).compose(started -> {
            if (started == null || started.getPID() <= 0) {
                return Future.failedFuture("the process could not be started");
            }
            next.process = started;
            next.pid = started.getPID();
            next.startedAt = System.nanoTime();
            return Future.succeededFuture(next);
        });
    }

    /** From now on its output and exit go to {@code owner} on {@code context}. */
    void handTo(Context context, Owner owner) {
        sink = new Sink(context, owner);
    }

    /** Whether it is still running and not known to have exited. */
    boolean alive() {
        return process != null && !exit.future().isComplete() && process.isRunning();
    }

    void killGroup(int signal) {
        if (pid > 0) {
            ProcessGroups.signal(pid, signal);
        }
    }

    /**
     * Stops it: stdin closed, SIGTERM to the group, SIGKILL after {@code graceMillis}; completes once it is
     * reaped (or given up on after a second grace period), never failed.
     */
    Future<Void> stop(Vertx vertx, long graceMillis, String route, String session) {
        if (exit.future().isComplete()) {
            killGroup(ProcessGroups.SIGKILL);
            return Future.succeededFuture();
        }
        process.closeStdin(true);
        killGroup(ProcessGroups.SIGTERM);
        // A process paused for a slow client holds SIGTERM pending until it runs again.
        killGroup(ProcessGroups.SIGCONT);
        long killer = vertx.setTimer(graceMillis, t -> {
            log.atWarn()
                    .addKeyValue("route", route)
                    .addKeyValue("session", session)
                    .addKeyValue("pid", pid)
                    .log("stdio process ignored SIGTERM; sending SIGKILL");
            killGroup(ProcessGroups.SIGKILL);
            // SIGKILL cannot be ignored; if no exit is reported even so, do not hold the session up.
            vertx.setTimer(graceMillis, u -> {
                if (exit.tryFail("no exit reported after SIGKILL")) {
                    log.atError()
                            .addKeyValue("route", route)
                            .addKeyValue("session", session)
                            .addKeyValue("pid", pid)
                            .log("stdio process not reported as exited after SIGKILL");
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

    /**
     * Logs stderr lines (rate-limited: a flood must not flood the log) and keeps the last few for the
     * exit's log line. Called on the owner's context.
     */
    void logStderr(List<String> lines, String route, String session) {
        long now = System.nanoTime();
        if (now - stderrWindowStart > 1_000_000_000L) {
            if (stderrSuppressed > 0) {
                log.atWarn()
                        .addKeyValue("route", route)
                        .addKeyValue("session", session)
                        .addKeyValue("suppressed", stderrSuppressed)
                        .log("stdio stderr lines not logged (rate limit)");
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
                log.atInfo()
                        .addKeyValue("route", route)
                        .addKeyValue("session", session)
                        .addKeyValue("stderr", kept)
                        .log("stdio stderr");
            } else if (stderrSuppressed++ == 0) {
                log.atWarn()
                        .addKeyValue("route", route)
                        .addKeyValue("session", session)
                        .addKeyValue("lines_per_second", STDERR_LINES_PER_SECOND)
                        .log("stdio stderr is flooding; logging only the first lines each second (rate limit)");
            }
        }
    }

    static String abbreviate(String line) {
        return line.length() > MAX_STDERR_LINE ? line.substring(0, MAX_STDERR_LINE) + "…" : line;
    }

    /**
     * Runs {@code work} for the owner of the moment on its context. Handed over meanwhile, the work follows
     * the process to its new owner; false when Vert.x has already closed (a process that outlived the
     * shutdown's drain), where there is nobody left to hand it to.
     */
    private boolean dispatch(Work work) {
        Sink target = sink;
        try {
            target.context().runOnContext(v -> {
                Sink now = sink;
                if (now == target) {
                    work.run(target.owner());
                } else {
                    dispatch(work);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @FunctionalInterface
    private interface Work {
        void run(Owner owner);
    }

    /** NuProcess callbacks, on its I/O threads: cut into lines, then hand over to the owner's context. */
    private final class Pipes extends NuAbstractProcessHandler {
        private final LineSplitter stdout = new LineSplitter(StdioBackend.MAX_LINE_BYTES);
        private final LineSplitter stderr = new LineSplitter(StdioBackend.MAX_LINE_BYTES);

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            LineSplitter.Lines lines = stdout.feed(buffer);
            String rest = closed ? stdout.rest() : null;
            if (rest != null) {
                lines.lines().add(rest);
            }
            if (!lines.lines().isEmpty() || lines.dropped() > 0) {
                dispatch(owner -> owner.onLines(StdioProcess.this, lines));
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
                dispatch(owner -> owner.onStderr(StdioProcess.this, lines));
            }
        }

        @Override
        public void onExit(int code) {
            // Called once the child is reaped; the context may be gone if the session already ended.
            if (!dispatch(owner -> {
                exit.tryComplete(code);
                owner.onExit(StdioProcess.this, code);
            })) {
                exit.tryComplete(code);
            }
        }
    }
}
