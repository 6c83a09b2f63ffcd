package org.mcpfront.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mcpfront.tracing.Tracing;

/**
 * The gateway's own metrics, per route. Meters are created once per label set and cached, because
 * these methods run for every message on every event loop.
 *
 * <p>Prometheus names: {@code mcp_front_sessions_open}, {@code mcp_front_sessions_started_total},
 * {@code mcp_front_messages_total{direction}}, {@code mcp_front_backend_errors_total{kind}},
 * {@code mcp_front_request_duration_seconds{method}} (histogram).
 */
public final class GatewayMetrics {

    /** JSON-RPC methods that get their own latency series; anything else is "other" (bounded cardinality). */
    private static final Set<String> KNOWN_METHODS = Set.of(
            "initialize",
            "ping",
            "tools/list",
            "tools/call",
            "resources/list",
            "resources/read",
            "resources/templates/list",
            "resources/subscribe",
            "resources/unsubscribe",
            "prompts/list",
            "prompts/get",
            "completion/complete",
            "logging/setLevel",
            "tasks/get",
            "tasks/list",
            "tasks/result",
            "tasks/cancel",
            "server/discover",
            "subscriptions/listen");

    private final MeterRegistry registry;
    private final BackendHealth backends;
    private final Tracing tracing;
    private final RequestRates rates = new RequestRates(() -> System.currentTimeMillis() / 1000);
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    /** The two counters every message meets, by route alone: no key to build per message. */
    private final ConcurrentHashMap<String, Counter> toBackend = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, Counter> toClient = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this(registry, Tracing.off());
    }

    /** The same, with the request spans of {@code tracing} (off unless configured). */
    public GatewayMetrics(MeterRegistry registry, Tracing tracing) {
        this.registry = registry;
        this.tracing = tracing;
        this.backends = new BackendHealth(registry, Clock.systemUTC());
    }

    /** Where the sessions and the edge start the span of each request they forward. */
    public Tracing tracing() {
        return tracing;
    }

    /** Requests answered in the last minute, by route (routes with none left out). */
    public Map<String, Long> requestsLastMinute() {
        return rates.lastMinute();
    }

    /** What is known about each route's backend: probes, and the errors counted here. */
    public BackendHealth backends() {
        return backends;
    }

    public void sessionOpened(String route) {
        openSessions(route).incrementAndGet();
        counter("sessions_started", route, null, null).increment();
    }

    /** A session whose instance died was carried on by this one. */
    public void sessionAdopted(String route) {
        counter("sessions_adopted", route, null, null).increment();
    }

    public void sessionClosed(String route) {
        openSessions(route).decrementAndGet();
    }

    public void messageToBackend(String route) {
        toBackend
                .computeIfAbsent(route, r -> counter("messages", r, "direction", "to_backend"))
                .increment();
    }

    public void messageToClient(String route) {
        toClient.computeIfAbsent(route, r -> counter("messages", r, "direction", "to_client"))
                .increment();
    }

    /**
     * {@code kind}: start, connect, status, stream_closed, session_expired, session_reopened, timeout,
     * protocol, exited, probe. Also the route's last error in {@link #backends()}.
     */
    public void backendError(String route, String kind) {
        backendError(route, kind, null);
    }

    /** The same with what went wrong, for the status page (never a token or a message body). */
    public void backendError(String route, String kind, String reason) {
        counter("backend_errors", route, "kind", kind).increment();
        backends.error(route, kind, reason);
    }

    /**
     * A request refused by a route's access rules; {@code reason}: {@code route} (the user may not use it),
     * {@code tool}, {@code prompt}, {@code resource} (hidden from the user), {@code rate_limit} or
     * {@code sessions_per_user} (a new session beyond the user's {@code max_sessions_per_user}).
     */
    public void refused(String route, String reason) {
        counter("refusals", route, "reason", reason).increment();
    }

    /**
     * A user's own service credential on {@code route}; {@code event}: {@code connected}, {@code refreshed},
     * {@code refresh_failed}, {@code disconnected}, {@code used} (a request carried it) or {@code missing} (a
     * request was refused because the user has none).
     */
    public void credential(String route, String event) {
        counter("credentials", route, "event", event).increment();
    }

    /**
     * A client request answered; {@code era} is the MCP era the client spoke ({@code 2025} or
     * {@code 2026}), {@code backendEra} the one mcp-front spoke to the backend for it.
     */
    public void requestCompleted(String route, String method, String era, String backendEra, long nanos) {
        rates.record(route);
        String label = KNOWN_METHODS.contains(method) ? method : "other";
        String key = route + '\u0000' + label + '\u0000' + era + '\u0000' + backendEra;
        timers.computeIfAbsent(
                        key,
                        k -> Timer.builder("mcp_front_request_duration")
                                .description(
                                        "Time from a client request to its response, per route, JSON-RPC method and "
                                                + "era")
                                .tag("route", route)
                                .tag("method", label)
                                .tag("era", era)
                                .tag("backend_era", backendEra)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(60))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private AtomicInteger openSessions(String route) {
        return open.computeIfAbsent(route, r -> {
            AtomicInteger gauge = new AtomicInteger();
            Gauge.builder("mcp_front_sessions_open", gauge, AtomicInteger::get)
                    .description("MCP sessions open now")
                    .tag("route", r)
                    .register(registry);
            return gauge;
        });
    }

    private Counter counter(String name, String route, String tag, String value) {
        String key = name + '\u0000' + route + '\u0000' + value;
        return counters.computeIfAbsent(key, k -> {
            Counter.Builder builder = Counter.builder("mcp_front_" + name).tag("route", route);
            if (tag != null) {
                builder.tag(tag, value);
            }
            return builder.register(registry);
        });
    }
}
