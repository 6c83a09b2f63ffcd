package org.mcpfront.session;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>A process that dies while its session lives (a crash, SIGKILL) is replaced when the route says
 * {@code on_process_loss: restart}: a new process is started and initialized with the client's
 * cached {@code initialize} and {@code notifications/initialized}, the requests in flight at the death
 * get an error (never resent), and the session carries on; what the old process kept is lost. A new
 * process that fails before it answers, or processes that keep dying, end the session.
 *
 * <p>A route with {@code warm} processes lends the session one started ahead of time ({@link StdioPool});
 * a client that stops reading stops the process group until it reads again ({@link #pause()}).
 */
final class StdioBackend implements Backend, StdioProcess.Owner {

    private static final Logger log = LoggerFactory.getLogger(StdioBackend.class);
    /** One stdout line (one JSON-RPC message) larger than this is dropped, not buffered. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    static final long KILL_GRACE_MS = 5_000;
    /** More restarts than this within {@link #RESTART_WINDOW_NANOS} end the session: the process keeps dying. */
    static final int MAX_RESTARTS_IN_A_ROW = 3;

    private static final long RESTART_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Vertx vertx;
    private final RouteConfig route;
    private final String session;
    private final BackendListener listener;
    private final Map<String, String> parentEnvironment;
    private final Map<String, String> callerEnvironment;
    /** The caller's own credential where the route's environment wants it: read anew for every process. */
    private final Supplier<Future<Map<String, String>>> credentialEnvironment;

    private final boolean restartOnLoss;
    private Context context;
    /** Where a process started ahead of time may be taken from; null when the route keeps none warm. */
    private final StdioPool pool;
    /** The process serving the session now; null while none is running. */
    private StdioProcess proc;
    /** A new process being spawned, which close() must wait for. */
    private Future<StdioProcess> spawning;

    private boolean closing;
    /** The client's initialize and whether it said initialized: what a new process is initialized with. */
    private JsonRpcMessage clientInitialize;

    private boolean clientInitialized;
    /** The id of mcp-front's own initialize to a new process, while its answer is awaited; messages wait. */
    private String restartId;

    private final ArrayDeque<JsonRpcMessage> waiting = new ArrayDeque<>();
    /** A client stopped reading: the process group is stopped (SIGSTOP) until it reads again. */
    private boolean paused;

    private long restartTimer = -1;
    private long restarts;
    private long restartedAt;
    private int restartsInARow;

    StdioBackend(
            Vertx vertx,
            RouteConfig route,
            String session,
            BackendListener listener,
            Map<String, String> parentEnvironment,
            Map<String, String> callerEnvironment,
            Supplier<Future<Map<String, String>>> credentialEnvironment,
            boolean restartOnLoss,
            StdioPool pool) {
        this.credentialEnvironment = credentialEnvironment;
        this.vertx = vertx;
        this.pool = pool;
        this.route = route;
        this.session = session;
        this.listener = listener;
        this.parentEnvironment = parentEnvironment;
        this.callerEnvironment = callerEnvironment;
        this.restartOnLoss = restartOnLoss;
    }

    @Override
    public Future<Void> open() {
        context = vertx.getOrCreateContext();
        return spawn().compose(started -> {
            proc = started;
            if (exitedBeforeItWasOurs(started)) {
                return Future.<Void>succeededFuture();
            }
            if (clientInitialize != null) {
                // An adopted session: its process is new to the client's session.
                initializeNewProcess();
            }
            stopIfPaused();
            return Future.<Void>succeededFuture();
        });
    }

    /**
     * A process for the session: one the route keeps warm if there is one, else a new one of the route's
     * command; fails when it could not be started.
     */
    private Future<StdioProcess> spawn() {
        StdioProcess warm = pool == null ? null : pool.claim();
        if (warm != null) {
            warm.handTo(context, this);
            log.atInfo()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .addKeyValue("pid", warm.pid)
                    .log("stdio process taken from the warm pool");
            spawning = Future.succeededFuture(warm);
            return spawning;
        }
        RouteConfig.Stdio stdio = route.stdio().orElseThrow();
        spawning = credentialEnvironment
                .get()
                .compose(credential -> {
                    Map<String, String> routeEnvironment = new HashMap<>(stdio.environment());
                    routeEnvironment.putAll(credential);
                    return StdioProcess.spawn(
                            vertx,
                            stdio.command(),
                            StdioEnvironment.of(parentEnvironment, routeEnvironment, callerEnvironment),
                            context,
                            this);
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        log.atWarn()
                                .addKeyValue("route", route.path())
                                .addKeyValue("session", session)
                                .addKeyValue("command", stdio.command().get(0))
                                .log("stdio process could not be started");
                    } else {
                        log.atInfo()
                                .addKeyValue("route", route.path())
                                .addKeyValue("session", session)
                                .addKeyValue("pid", ar.result().pid)
                                .log("stdio process started");
                    }
                });
        return spawning;
    }

    /**
     * Takes over a session whose instance died (and its process with it), when the route restarts lost
     * processes: the new process is initialized with the client's initialize once open.
     */
    @Override
    public boolean resume(SessionFacts facts) {
        if (!restartOnLoss || facts.initialize() == null) {
            return false;
        }
        try {
            clientInitialize = JsonRpcMessage.parse(facts.initialize());
        } catch (JsonRpcException e) {
            return false;
        }
        clientInitialized = facts.initialized();
        return true;
    }

    @Override
    public void send(JsonRpcMessage message) {
        if (message.isInitialize()) {
            clientInitialize = message;
        } else if ("notifications/initialized".equals(message.method())) {
            clientInitialized = true;
        }
        if (restartId != null) {
            waiting.add(message);
            return;
        }
        write(message);
    }

    private void write(JsonRpcMessage message) {
        String raw = message.raw();
        // Line framing: a message that arrived pretty-printed is re-encoded on one line.
        String line = raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0
                ? message.json().encode()
                : raw;
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        StdioProcess current = proc;
        if (closing || current == null || !current.alive()) {
            // Its exit is reported (or about to be) through onExit; the message has nowhere to go.
            return;
        }
        try {
            current.process.writeStdin(ByteBuffer.wrap(bytes));
        } catch (IllegalStateException stdinClosed) {
            listener.onFailure("exited", "the process closed its stdin: " + stdinClosed.getMessage());
        }
    }

    /**
     * NuProcess 2.0.6 cannot stop reading a pipe (its epoll registration is level-triggered and not
     * exposed), so the pause stops the process group itself: it writes no more than what already sits in
     * the pipe, and runs on from where it was at {@link #resume()}. The group, because a server's work may
     * happen in a child it spawned.
     */
    @Override
    public void pause() {
        paused = true;
        stopIfPaused();
    }

    /**
     * Stops the process while the session is paused: one that came up meanwhile (a restart, a replacement) as
     * much as the one that was running. Not while a new process has yet to answer mcp-front's initialize (it
     * would never answer, and the session would end): it is stopped once it has. Nor once the session ends,
     * whose SIGTERM a stopped process would hold until the SIGKILL.
     */
    private void stopIfPaused() {
        if (paused && !closing && restartId == null && proc != null) {
            proc.killGroup(ProcessGroups.SIGSTOP);
        }
    }

    @Override
    public void resume() {
        paused = false;
        if (proc != null) {
            proc.killGroup(ProcessGroups.SIGCONT);
        }
    }

    @Override
    public void protocolVersion(String version) {
        // stdio has no per-message headers.
    }

    @Override
    public Future<Void> close() {
        if (closing) {
            return proc == null
                    ? Future.succeededFuture()
                    : proc.exit.future().<Void>mapEmpty().recover(e -> Future.succeededFuture());
        }
        closing = true;
        if (restartTimer >= 0) {
            vertx.cancelTimer(restartTimer);
        }
        if (spawning != null && !spawning.isComplete()) {
            // A new process is on its way: it is stopped as soon as it exists.
            return spawning.transform(ar -> ar.succeeded() ? stop(ar.result()) : Future.succeededFuture());
        }
        return stop(proc);
    }

    private Future<Void> stop(StdioProcess current) {
        return current == null ? Future.succeededFuture() : current.stop(vertx, KILL_GRACE_MS, route.path(), session);
    }

    // ---- on the session's context ---------------------------------------------------------

    @Override
    public void onLines(StdioProcess from, LineSplitter.Lines lines) {
        if (from != proc) {
            // A dead process's last words: its session has moved on to a new one.
            return;
        }
        if (lines.dropped() > 0) {
            log.atWarn()
                    .addKeyValue("route", route.path())
                    .addKeyValue("session", session)
                    .addKeyValue("dropped", lines.dropped())
                    .addKeyValue("limit_bytes", MAX_LINE_BYTES)
                    .log("stdio process wrote lines over the size limit; dropped them");
        }
        for (String line : lines.lines()) {
            if (line.isBlank()) {
                continue;
            }
            char first = line.stripLeading().charAt(0);
            if (first != '{' && first != '[') {
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", session)
                        .addKeyValue("line", StdioProcess.abbreviate(line))
                        .log("stdio process wrote a line that is not JSON; not forwarded");
                continue;
            }
            from.spoke = true;
            if (restartId != null && answersRestart(line)) {
                continue;
            }
            listener.onMessage(line, null);
        }
    }

    @Override
    public void onStderr(StdioProcess from, List<String> lines) {
        from.logStderr(lines, route.path(), session);
    }

    @Override
    public void onExit(StdioProcess from, int code) {
        if (closing || from != proc) {
            return;
        }
        from.killGroup(ProcessGroups.SIGKILL);
        log.atWarn()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("pid", from.pid)
                .addKeyValue("command", route.stdio().orElseThrow().command().get(0))
                .addKeyValue("exit_code", code)
                .addKeyValue("stderr", String.join(" | ", from.lastStderr))
                .log("stdio process exited");
        proc = null;
        // The reason reaches clients and /ready: never the process's own output, which may hold secrets.
        String reason = exitReason(code);
        if (restartId != null) {
            // The new process died before it answered initialize: a start failure, for the route's back-off.
            listener.onFailure(SessionCore.START, "a new process for the session failed before it answered: " + reason);
            return;
        }
        if (!restartOnLoss || clientInitialize == null || !from.spoke) {
            // A process that never answered failed to start: a new one would fail the same way.
            listener.onFailure("exited", reason);
            return;
        }
        long now = System.nanoTime();
        restartsInARow = now - restartedAt < RESTART_WINDOW_NANOS ? restartsInARow + 1 : 1;
        restartedAt = now;
        if (restartsInARow > MAX_RESTARTS_IN_A_ROW) {
            listener.onFailure(
                    "exited",
                    reason + "; it died " + restartsInARow + " times within "
                            + TimeUnit.NANOSECONDS.toSeconds(RESTART_WINDOW_NANOS) + " s, so it is not started again");
            return;
        }
        restart(reason);
    }

    /**
     * A new process for the session: the requests the old one held fail (a tool call may not be
     * idempotent, so none is resent), the new one is initialized in the client's name, and messages
     * wait until it has answered.
     */
    private void restart(String reason) {
        log.atWarn()
                .addKeyValue("route", route.path())
                .addKeyValue("session", session)
                .addKeyValue("reason", reason)
                .log("stdio process lost; starting a new one for the session (the old process's server-side state "
                        + "is lost)");
        listener.onInFlightLost(reason + "; a new process carries the session on");
        restartId = "mf-restart-" + (++restarts);
        spawn().onComplete(started -> {
            if (closing) {
                return;
            }
            if (started.failed()) {
                listener.onFailure(SessionCore.START, "a new process for the session could not be started");
                return;
            }
            proc = started.result();
            if (!exitedBeforeItWasOurs(proc)) {
                initializeNewProcess();
            }
        });
    }

    /**
     * A process that exits at once (a bad command, a missing variable) may be reaped before its start is reported
     * here; its exit was passed over then, since it was not yet {@code proc}. Heeds it now: true when it did exit.
     */
    private boolean exitedBeforeItWasOurs(StdioProcess started) {
        Future<Integer> exit = started.exit.future();
        if (exit.succeeded()) {
            onExit(started, exit.result());
            return true;
        }
        return false;
    }

    /** Sends the client's initialize to a new process; its answer is ours, and messages wait for it. */
    private void initializeNewProcess() {
        if (restartId == null) {
            restartId = "mf-restart-" + (++restarts);
        }
        long timeout = route.sessions().requestTimeout().toMillis();
        restartTimer = vertx.setTimer(timeout, t -> {
            restartTimer = -1;
            if (restartId != null && !closing) {
                listener.onFailure(
                        SessionCore.START,
                        "a new process for the session did not answer initialize within "
                                + route.sessions().requestTimeout().toSeconds() + " s");
            }
        });
        write(JsonRpcMessage.of(clientInitialize.json().copy().put("id", restartId)));
    }

    /** Whether {@code line} answers mcp-front's initialize to a new process; if so, the session resumes. */
    private boolean answersRestart(String line) {
        JsonRpcMessage message;
        try {
            message = JsonRpcMessage.parse(line);
        } catch (JsonRpcException notJsonRpc) {
            return false;
        }
        if (!message.isResponse() || !JsonRpcMessage.idKeyOf(restartId).equals(message.idKey())) {
            return false;
        }
        vertx.cancelTimer(restartTimer);
        restartTimer = -1;
        if (message.json().containsKey("error")) {
            listener.onFailure(
                    SessionCore.START,
                    "a new process for the session refused initialize: "
                            + BackendHttp.snippet(String.valueOf(message.json().getValue("error"))));
            return true;
        }
        restartId = null;
        // A client that stopped reading while the process was replaced still does not read.
        stopIfPaused();
        if (clientInitialized) {
            write(JsonRpcMessage.of(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")));
        }
        listener.onUpstreamReopened("the stdio process was lost and a new one was started; "
                + "the old process's server-side state is lost");
        while (restartId == null && !waiting.isEmpty()) {
            write(waiting.poll());
        }
        return true;
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
}
