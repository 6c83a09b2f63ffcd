package org.mcpfront.health;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.mcpfront.bus.Addresses;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.HealthCheck;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.observability.BackendHealth;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.session.BackendHttp;

/**
 * Probes each HTTP route's backend now and then ({@link BackendProbe}) and records what it finds in
 * {@link BackendHealth}: {@code /ready}'s details, the status page and {@code mcp_front_backend_up} read
 * it there. Each route has its own timer; the first probe comes at a random point of the first
 * interval and every later one within ±20 % of the interval, so that neither the routes of one
 * instance nor the instances of a cluster probe in step. A probe that is still running when its next
 * turn comes is not doubled. stdio routes are not probed: their processes exist only per session, and
 * the supervisor reports their start failures.
 */
public final class BackendProbes extends VerticleBase {

    private final GatewayMetrics metrics;
    private final BackendHealth health;
    private final BackendEras eras;
    private final Map<String, Probed> probed = new HashMap<>();
    private FrontConfig config;
    private BackendHttp http;
    private long probeCount;

    /** One probed route: the settings it is probed with, its timer, and whether a probe is under way. */
    private static final class Probed {
        private final RouteConfig route;
        private long timer = -1;
        private boolean running;

        Probed(RouteConfig route) {
            this.route = route;
        }
    }

    /**
     * What probes tell backends: mcp-front speaks for itself (a route's Google ID token, or an assertion about itself).
     */
    private final BackendIdentity backendIdentity;

    public BackendProbes(
            FrontConfig config, GatewayMetrics metrics, BackendEras eras, BackendIdentity backendIdentity) {
        this.backendIdentity = backendIdentity;
        this.config = config;
        this.metrics = metrics;
        this.health = metrics.backends();
        this.eras = eras;
    }

    @Override
    public Future<?> start() {
        http = new BackendHttp(vertx, backendIdentity);
        schedule(config);
        return vertx.eventBus()
                .<FrontConfig>localConsumer(Addresses.CONFIG_CHANGED, m -> {
                    config = m.body();
                    schedule(config);
                })
                .completion();
    }

    @Override
    public Future<?> stop() {
        probed.values().forEach(p -> vertx.cancelTimer(p.timer));
        probed.clear();
        return http.close();
    }

    /** Starts probing new and changed routes, stops probing removed ones and forgets what was known of them. */
    private void schedule(FrontConfig next) {
        Map<String, RouteConfig> wanted = new HashMap<>();
        Set<String> aggregates = new HashSet<>();
        for (RouteConfig route : next.routes()) {
            // An aggregate is as healthy as its members: its entry is kept by its sessions and its members' probes.
            route.aggregate().ifPresent(a -> {
                health.watchAggregate(route.path(), a.paths());
                aggregates.add(route.path());
            });
            if (route.type() == RouteConfig.RouteType.HTTP
                    && route.healthCheck().enabled()) {
                wanted.put(route.path(), route);
            }
        }
        health.keepAggregates(aggregates);
        probed.entrySet().removeIf(entry -> {
            RouteConfig now = wanted.get(entry.getKey());
            if (entry.getValue().route.equals(now)) {
                return false;
            }
            vertx.cancelTimer(entry.getValue().timer);
            health.forget(entry.getKey());
            return true;
        });
        wanted.forEach((path, route) -> probed.computeIfAbsent(path, p -> {
            Probed fresh = new Probed(route);
            health.watch(path);
            Duration interval = route.healthCheck().interval();
            arm(fresh, (long) (ThreadLocalRandom.current().nextDouble() * interval.toMillis()));
            return fresh;
        }));
    }

    private void arm(Probed target, long delayMillis) {
        target.timer = vertx.setTimer(Math.max(1, delayMillis), t -> probe(target));
    }

    private void probe(Probed target) {
        if (probed.get(target.route.path()) != target) {
            return;
        }
        HealthCheck settings = target.route.healthCheck();
        long interval = settings.interval().toMillis();
        arm(target, (long) (interval * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
        if (target.running) {
            return;
        }
        target.running = true;
        String path = target.route.path();
        long started = System.nanoTime();
        eras.eraOf(target.route)
                .compose(era -> BackendProbe.run(
                        vertx, http, target.route, era, "health-" + (++probeCount), settings.timeout()))
                .onComplete(ar -> {
                    target.running = false;
                    if (probed.get(path) != target) {
                        return;
                    }
                    if (ar.succeeded()) {
                        health.probeSucceeded(path, (System.nanoTime() - started) / 1_000_000);
                    } else {
                        String reason = ar.cause().getMessage();
                        health.probeFailed(path, reason);
                        metrics.backendError(path, "probe", reason);
                    }
                });
    }
}
