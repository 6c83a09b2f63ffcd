package org.mcpfront.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this instance knows about each route's backend: whether the last health probe reached it
 * ({@code mcp_front_backend_up{route}}: 1 or 0, absent until the first probe), and the last error any
 * part of the gateway saw talking to it (a probe, a session start, a session that lost its backend
 * mid-way), with how many errors of each kind. Shared by every event loop, so every method is
 * thread-safe; read by {@code /ready}'s details and the status page.
 */
public final class BackendHealth {

    private static final Logger log = LoggerFactory.getLogger(BackendHealth.class);

    /** What the probes say about a backend. */
    public enum State {
        UNKNOWN,
        UP,
        DOWN
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, RouteState> routes = new ConcurrentHashMap<>();
    /** Aggregate routes: their members, and how each member did in this instance's aggregate sessions. */
    private final Map<String, AggregateState> aggregates = new ConcurrentHashMap<>();

    /** What aggregate sessions last saw of one member: up, or down and why. */
    private record Seen(String failure, Instant at) {}

    private record AggregateState(List<String> members, Map<String, Seen> seen) {}

    BackendHealth(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** A probe got an answer from the backend of {@code route} within {@code millis}. */
    public void probeSucceeded(String route, long millis) {
        RouteState state = tracked(route);
        State before;
        synchronized (state) {
            before = state.state;
            state.state = State.UP;
            state.consecutiveProbeFailures = 0;
            state.lastProbeAt = clock.instant();
            state.lastProbeMillis = millis;
            state.since = before == State.UP ? state.since : state.lastProbeAt;
        }
        state.up(registry, route, 1);
        if (before != State.UP) {
            log.atInfo()
                    .addKeyValue("route", route)
                    .addKeyValue("probe_ms", millis)
                    .log("backend is up");
        }
    }

    /**
     * A probe got no usable answer from the backend of {@code route}; the prober counts the error itself
     * ({@link GatewayMetrics#backendError(String, String, String)}, kind {@code probe}).
     */
    public void probeFailed(String route, String reason) {
        RouteState state = tracked(route);
        State before;
        synchronized (state) {
            before = state.state;
            state.state = State.DOWN;
            state.consecutiveProbeFailures++;
            state.lastProbeAt = clock.instant();
            state.lastProbeMillis = -1;
            state.since = before == State.DOWN ? state.since : state.lastProbeAt;
        }
        state.up(registry, route, 0);
        if (before != State.DOWN) {
            log.atWarn()
                    .addKeyValue("route", route)
                    .addKeyValue("reason", reason)
                    .log("backend is down");
        }
    }

    /** Any error talking to the backend of {@code route}; {@code reason} may be null when only the kind is known. */
    void error(String route, String kind, String reason) {
        RouteState state = tracked(route);
        synchronized (state) {
            state.errors.merge(kind, 1L, Long::sum);
            state.lastErrorKind = kind;
            state.lastError = reason;
            state.lastErrorAt = clock.instant();
        }
    }

    public State state(String route) {
        RouteState state = routes.get(route);
        if (state == null) {
            return State.UNKNOWN;
        }
        synchronized (state) {
            return state.state;
        }
    }

    /** A route's backend is watched from now on: it is listed (as unknown) before its first probe. */
    public void watch(String route) {
        tracked(route);
    }

    /** Every watched route's backend, by route path; aggregate routes by their members. */
    public JsonObject toJson() {
        JsonObject all = new JsonObject();
        new TreeMap<>(routes).keySet().forEach(route -> all.put(route, toJson(route)));
        new TreeMap<>(aggregates).forEach((route, state) -> all.put(route, aggregateJson(state)));
        return all;
    }

    /** An aggregate route is watched from now on, with these members (its sessions report what they see). */
    public void watchAggregate(String route, List<String> members) {
        AggregateState known = aggregates.get(route);
        if (known == null || !known.members().equals(members)) {
            aggregates.put(route, new AggregateState(List.copyOf(members), new ConcurrentHashMap<>()));
        }
    }

    /** Aggregate routes that are no longer in the configuration are forgotten. */
    public void keepAggregates(Set<String> routes) {
        aggregates.keySet().retainAll(routes);
    }

    /**
     * An aggregate session of {@code aggregate} reached its member {@code member} ({@code failure} null) or
     * could not (why).
     */
    public void aggregateMember(String aggregate, String member, String failure) {
        AggregateState state = aggregates.get(aggregate);
        if (state != null) {
            state.seen().put(member, new Seen(failure, clock.instant()));
        }
    }

    /**
     * An aggregate route as JSON: {@code state} {@code degraded} when a member is down (its aggregate sessions
     * could not reach it, or its own probes fail), {@code up} when every member was reached or probed up, else
     * {@code unknown}; and each member's state with the reason it is down.
     */
    private JsonObject aggregateJson(AggregateState state) {
        JsonObject members = new JsonObject();
        int up = 0;
        int down = 0;
        for (String member : state.members()) {
            Seen seen = state.seen().get(member);
            State probed = state(member);
            JsonObject json = new JsonObject();
            if (seen != null && seen.failure() != null) {
                json.put("state", "down")
                        .put("reason", seen.failure())
                        .put("at", seen.at().toString());
                down++;
            } else if (probed == State.DOWN) {
                json.put("state", "down").put("reason", "its health probe fails");
                down++;
            } else if (seen != null || probed == State.UP) {
                json.put("state", "up");
                up++;
            } else {
                json.put("state", "unknown");
            }
            members.put(member, json);
        }
        String overall = down > 0 ? "degraded" : up == state.members().size() ? "up" : "unknown";
        return new JsonObject().put("state", overall).put("members", members);
    }

    /** A route left the configuration: its gauge goes, and so does what was known about it. */
    public void forget(String route) {
        aggregates.remove(route);
        RouteState removed = routes.remove(route);
        if (removed != null && removed.gauge != null) {
            registry.remove(removed.gauge);
        }
    }

    /**
     * The route's backend as JSON: {@code state} (up, down, unknown), the last probe, and the last
     * error with the count of each kind.
     */
    public JsonObject toJson(String route) {
        RouteState state = routes.get(route);
        JsonObject json = new JsonObject();
        if (state == null) {
            return json.put("state", "unknown");
        }
        synchronized (state) {
            json.put("state", state.state.name().toLowerCase());
            if (state.since != null) {
                json.put("since", state.since.toString());
            }
            if (state.lastProbeAt != null) {
                json.put("last_probe_at", state.lastProbeAt.toString());
                if (state.lastProbeMillis >= 0) {
                    json.put("last_probe_ms", state.lastProbeMillis);
                }
            }
            if (state.consecutiveProbeFailures > 0) {
                json.put("consecutive_probe_failures", state.consecutiveProbeFailures);
            }
            if (state.lastErrorAt != null) {
                JsonObject last =
                        new JsonObject().put("kind", state.lastErrorKind).put("at", state.lastErrorAt.toString());
                if (state.lastError != null) {
                    last.put("reason", state.lastError);
                }
                json.put("last_error", last);
            }
            JsonObject errors = new JsonObject();
            state.errors.forEach(errors::put);
            json.put("errors", errors);
        }
        return json;
    }

    private RouteState tracked(String route) {
        return routes.computeIfAbsent(route, r -> new RouteState());
    }

    /** One route's state; guarded by its own monitor (writers are rare: probes and errors). */
    private static final class RouteState {
        private State state = State.UNKNOWN;
        private Instant since;
        private Instant lastProbeAt;
        private long lastProbeMillis = -1;
        private int consecutiveProbeFailures;
        private String lastErrorKind;
        private String lastError;
        private Instant lastErrorAt;
        private final Map<String, Long> errors = new TreeMap<>();
        private volatile int upValue;
        private Gauge gauge;

        void up(MeterRegistry registry, String route, int value) {
            upValue = value;
            synchronized (this) {
                if (gauge == null) {
                    gauge = Gauge.builder("mcp_front_backend_up", this, s -> s.upValue)
                            .description("1 when the route's last health probe reached its backend, 0 when it did not")
                            .tag("route", route)
                            .register(registry);
                }
            }
        }
    }
}
