package org.mcpfront.observability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;

/**
 * One Prometheus registry per process, shared by Vert.x's own metrics (HTTP server, pools, JVM) and
 * {@link GatewayMetrics}, served at {@code /metrics}.
 *
 * <p>Wiring: {@code Vertx.builder().with(new VertxOptions().setMetricsOptions(o.metricsOptions()))
 * .withMetrics(o.metricsFactory())}, then {@code new GatewayMetrics(o.registry())} and
 * {@code router.get("/metrics").handler(o.scrapeHandler())}.
 */
public final class Observability {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Vert.x metrics on, JVM metrics on. Only bounded labels: HTTP metrics by method and status
     * code, pools by type and name (one per backend); never by path or remote address, because paths
     * carry session ids and client addresses are unbounded.
     *
     * <p>Event-bus metrics are off: every MCP message crosses the bus four to six times, and each
     * crossing cost a regex match on its address and several meter lookups, about a tenth of the
     * gateway's CPU per call (profiled in bench/RESULTS.md). {@link GatewayMetrics} counts the
     * messages per route, which is what an operator reads. So are the HTTP client's (the requests to
     * backends): {@code mcp_front_request_duration_seconds} and {@code mcp_front_backend_errors_total}
     * measure them per route; the server's requests are counted by {@link GuardedMetrics}.
     */
    public MetricsOptions metricsOptions() {
        return new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME))
                .setPrometheusOptions(
                        new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false));
    }

    /**
     * Micrometer's metrics for Vert.x, guarded against connections accepted before they exist ({@link GuardedMetrics}).
     */
    public VertxMetricsFactory metricsFactory() {
        MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(registry);
        return new VertxMetricsFactory() {
            @Override
            public VertxMetrics metrics(VertxOptions options) {
                return new GuardedMetrics(micrometer.metrics(options), registry);
            }

            @Override
            public MetricsOptions newOptions() {
                return micrometer.newOptions();
            }

            @Override
            public MetricsOptions newOptions(MetricsOptions options) {
                return micrometer.newOptions(options);
            }

            @Override
            public MetricsOptions newOptions(JsonObject json) {
                return micrometer.newOptions(json);
            }
        };
    }

    public Handler<RoutingContext> scrapeHandler() {
        return PrometheusScrapingHandler.create(registry);
    }
}
