package org.mcpfront.session;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.mcpfront.config.RouteConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes a stdio route keeps warm ({@code routes[].warm}): started ahead of time, so that a new
 * session's first answer does not wait for a process start (≈300 ms for Node, seconds for {@code npx} or
 * {@code docker run}).
 *
 * <p>A warm process is started, not initialized. An MCP process is initialized once, with one client's
 * {@code initialize}: its protocol version, capabilities (roots, sampling, elicitation) and clientInfo, which a
 * server may act on for the life of the process. Initializing it in mcp-front's name and answering the client
 * from the cached result would give the client a server that believes it speaks to someone else, and a
 * process cannot be initialized again; so the claiming session's own {@code initialize} is the first thing
 * the process reads. What a start costs (loading the runtime and the server's code) is paid ahead; what
 * {@code initialize} costs once the server is loaded is a few milliseconds.
 *
 * <p>Only routes whose processes do not depend on the user may keep processes warm (no
 * {@code identity: environment}; the parser refuses it). The pool lives on its creator's context (the
 * supervisor's), which decides through {@code room} whether another process fits the session limits;
 * {@link #claim()} may be called from any session's context. A process that dies in the pool is replaced
 * after a back-off that doubles while replacements keep dying young. Whatever the pool holds is ended by
 * {@link #close()}, as a session's process is: stdin closed, SIGTERM to its group, SIGKILL after the grace.
 */
public final class StdioPool implements StdioProcess.Owner {

    private static final Logger log = LoggerFactory.getLogger(StdioPool.class);
    private static final String SESSION = "warm-pool";
    /** The first replacement of a process that died in the pool waits this long; each further one twice as long. */
    static final long FIRST_BACKOFF_MS = 250;

    static final long MAX_BACKOFF_MS = 60_000;
    /** A process that lived this long in the pool died of something other than its start: no back-off. */
    private static final long HEALTHY_AFTER_NANOS = 60_000_000_000L;

    private final Vertx vertx;
    private final Context context;
    private final RouteConfig route;
    private final int target;
    private final BooleanSupplier room;
    private final Map<String, String> environment;
    /** Started and waiting for a session; guarded by {@code this} (claims come from sessions' contexts). */
    private final ArrayDeque<StdioProcess> ready = new ArrayDeque<>();
    /** Being started (on the pool's context only). */
    private int starting;

    private int deathsInARow;
    private long retryTimer = -1;
    private boolean closed;
    /** Starts in flight and stops not yet reaped, which {@link #close()} waits for. */
    private final List<Future<?>> pending = new ArrayList<>();

    private StdioPool(Vertx vertx, RouteConfig route, Map<String, String> parentEnvironment, BooleanSupplier room) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.route = route;
        this.target = route.stdio().orElseThrow().warm();
        this.room = room;
        this.environment = StdioEnvironment.of(
                parentEnvironment, route.stdio().orElseThrow().environment(), Map.of());
    }

    /**
     * A pool for {@code route}'s {@code warm} processes on the caller's context; it starts them at the first
     * {@link #refill()}, which the caller makes once it counts the pool.
     *
     * @param room whether one more process fits the limits now (asked on the caller's context before each start)
     */
    public static StdioPool of(Vertx vertx, RouteConfig route, BooleanSupplier room) {
        return new StdioPool(vertx, route, System.getenv(), room);
    }

    public RouteConfig route() {
        return route;
    }

    /** Processes started or being started: what the pool counts against the limits. */
    public int size() {
        synchronized (this) {
            return ready.size() + starting;
        }
    }

    /** Processes ready to be claimed now. */
    public int ready() {
        synchronized (this) {
            return ready.size();
        }
    }

    /**
     * Takes a ready process for a session, or null when none is ready; from any context. The pool starts
     * another in the background.
     */
    StdioProcess claim() {
        StdioProcess claimed = null;
        synchronized (this) {
            while (claimed == null && !ready.isEmpty()) {
                StdioProcess next = ready.poll();
                if (next.alive()) {
                    claimed = next;
                }
            }
        }
        if (claimed != null) {
            context.runOnContext(v -> {
                deathsInARow = 0;
                refill();
            });
        }
        return claimed;
    }

    /** Starts processes until the pool holds {@code warm} or the limits leave no room; on the pool's context. */
    public void refill() {
        while (!closed && retryTimer < 0 && size() < target && room.getAsBoolean()) {
            synchronized (this) {
                starting++;
            }
            Future<StdioProcess> start =
                    StdioProcess.spawn(vertx, route.stdio().orElseThrow().command(), environment, context, this);
            track(start);
            start.onComplete(ar -> {
                synchronized (this) {
                    starting--;
                }
                if (closed) {
                    // close() stops it.
                    return;
                }
                if (ar.failed()) {
                    log.atWarn()
                            .addKeyValue("route", route.path())
                            .addKeyValue("session", SESSION)
                            .addKeyValue(
                                    "command",
                                    route.stdio().orElseThrow().command().get(0))
                            .log("warm stdio process could not be started");
                    diedYoung();
                    return;
                }
                StdioProcess started = ar.result();
                synchronized (this) {
                    ready.add(started);
                }
                log.atInfo()
                        .addKeyValue("route", route.path())
                        .addKeyValue("session", SESSION)
                        .addKeyValue("pid", started.pid)
                        .log("warm stdio process started");
            });
        }
    }

    /**
     * Ends one ready process to make room for another route's session under the instance's limit; false
     * when none is ready. On the pool's context.
     */
    public boolean release() {
        StdioProcess released;
        synchronized (this) {
            released = ready.poll();
        }
        if (released == null) {
            return false;
        }
        track(stop(released));
        return true;
    }

    /** Ends every process the pool holds and starts no more; completes once they are reaped. */
    public Future<Void> close() {
        closed = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        List<StdioProcess> left;
        synchronized (this) {
            left = new ArrayList<>(ready);
            ready.clear();
        }
        List<Future<?>> waits = new ArrayList<>();
        for (Future<?> earlier : pending) {
            // A process still starting is stopped as it arrives.
            waits.add(earlier.transform(ar -> ar.succeeded() && ar.result() instanceof StdioProcess started
                    ? stop(started)
                    : Future.succeededFuture()));
        }
        for (StdioProcess process : left) {
            waits.add(stop(process));
        }
        return Future.join(waits).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    private void track(Future<?> future) {
        pending.add(future);
        future.onComplete(ar -> pending.remove(future));
    }

    private Future<Void> stop(StdioProcess process) {
        return process.stop(vertx, StdioBackend.KILL_GRACE_MS, route.path(), SESSION);
    }

    // ---- StdioProcess.Owner: a process that no session has claimed yet, on the pool's context ----

    @Override
    public void onLines(StdioProcess from, LineSplitter.Lines lines) {
        // A server speaks after its client's initialize; nothing written before that belongs to a session.
        log.atWarn()
                .addKeyValue("route", route.path())
                .addKeyValue("session", SESSION)
                .addKeyValue("pid", from.pid)
                .addKeyValue("lines", lines.lines().size())
                .log("warm stdio process wrote to stdout before any session spoke to it; dropped");
    }

    @Override
    public void onStderr(StdioProcess from, List<String> lines) {
        from.logStderr(lines, route.path(), SESSION);
    }

    @Override
    public void onExit(StdioProcess from, int code) {
        boolean mine;
        synchronized (this) {
            mine = ready.remove(from);
        }
        // Anything the leader left in its group is an orphan now.
        from.killGroup(ProcessGroups.SIGKILL);
        if (!mine || closed) {
            return;
        }
        log.atWarn()
                .addKeyValue("route", route.path())
                .addKeyValue("session", SESSION)
                .addKeyValue("pid", from.pid)
                .addKeyValue("exit_code", code)
                .addKeyValue("stderr", String.join(" | ", from.lastStderr))
                .log("warm stdio process exited before a session claimed it; starting another");
        if (System.nanoTime() - from.startedAt > HEALTHY_AFTER_NANOS) {
            deathsInARow = 0;
            refill();
        } else {
            diedYoung();
        }
    }

    /** Replaces a process that failed to start or died young, after a back-off that doubles each time. */
    private void diedYoung() {
        if (closed || retryTimer >= 0) {
            return;
        }
        long delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(20, deathsInARow));
        deathsInARow++;
        retryTimer = vertx.setTimer(delay, t -> {
            retryTimer = -1;
            refill();
        });
    }
}
