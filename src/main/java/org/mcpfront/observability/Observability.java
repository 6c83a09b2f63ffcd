package org.mcpfront.observability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.EnumSet;

/**
 * One Prometheus registry per process, shared by Vert.x's own metrics (HTTP server and client,
 * event bus, pools, JVM) and {@link GatewayMetrics}, served at {@code /metrics}.
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
     * code, pools by type and name (one per backend), event-bus addresses with their ids collapsed;
     * never by path or remote address, because paths carry session ids and client addresses are
     * unbounded.
     */
    public MetricsOptions metricsOptions() {
        return new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS, Label.EB_FAILURE,
                        Label.EB_SIDE, Label.POOL_TYPE, Label.POOL_NAME))
                .addLabelMatch(collapse("mcp\\.session\\..*", "mcp.session"))
                .addLabelMatch(collapse("mcp\\.edge\\..*", "mcp.edge"))
                .addLabelMatch(collapse("__vertx\\.reply\\..*", "reply"))
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)
                        .setPublishQuantiles(false));
    }

    /** Event-bus addresses with ids in them become one label value, keeping series bounded. */
    private static Match collapse(String addressPattern, String alias) {
        return new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel("address")
                .setType(MatchType.REGEX).setValue(addressPattern).setAlias(alias);
    }

    public VertxMetricsFactory metricsFactory() {
        return new MicrometerMetricsFactory(registry);
    }

    public Handler<RoutingContext> scrapeHandler() {
        return PrometheusScrapingHandler.create(registry);
    }
}
