package org.mcpfront.status;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.cluster.Clustering;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.observability.AuditTrail;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.Era;

/**
 * Gathers the status page's report. Every member answers on its own address
 * ({@link Addresses#statusMember}) with what it holds: its sessions per route, its view of the backends,
 * requests of the last minute, its active users and last refusals. The member that serves the page asks
 * every member the cluster lists, waits at most {@link #MEMBER_TIMEOUT_MS} for each (a member that does
 * not answer is shown as such), and assembles the report ({@link StatusReport}).
 */
public final class StatusVerticle extends VerticleBase {

    static final long MEMBER_TIMEOUT_MS = 2_000;
    private static final String SINGLE_NODE = "local";

    private final GatewayMetrics metrics;
    private final BackendEras eras;
    private final Clustering clustering;
    private FrontConfig config;

    /** {@code clustering} is null for a single instance. */
    public StatusVerticle(FrontConfig config, GatewayMetrics metrics, BackendEras eras, Clustering clustering) {
        this.config = config;
        this.metrics = metrics;
        this.eras = eras;
        this.clustering = clustering;
    }

    @Override
    public Future<?> start() {
        String address = Addresses.statusMember(node());
        // The member address is the only one others reach; in a single instance it stays local.
        var member = clustering == null
                ? vertx.eventBus().<Object>localConsumer(address, this::answerForThisMember)
                : vertx.eventBus().<Object>consumer(address, this::answerForThisMember);
        return Future.all(
                member.completion(),
                vertx.eventBus()
                        .<Object>localConsumer(Addresses.STATUS_REPORT, this::report)
                        .completion(),
                vertx.eventBus()
                        .<FrontConfig>localConsumer(Addresses.CONFIG_CHANGED, m -> config = m.body())
                        .completion());
    }

    private String node() {
        return clustering == null ? SINGLE_NODE : clustering.membership().getString("node", SINGLE_NODE);
    }

    private List<String> members() {
        if (clustering == null) {
            return List.of(SINGLE_NODE);
        }
        JsonArray nodes = clustering.membership().getJsonArray("members", new JsonArray());
        List<String> out = new ArrayList<>();
        nodes.forEach(n -> out.add(String.valueOf(n)));
        return out.isEmpty() ? List.of(node()) : out;
    }

    private void answerForThisMember(Message<Object> message) {
        LocalOnly.<JsonObject>request(vertx, Addresses.SUPERVISOR_STATUS, null, MEMBER_TIMEOUT_MS)
                .map(Message::body)
                .otherwise(e -> new JsonObject().put("unavailable", e.getMessage()))
                .onSuccess(supervisor -> {
                    JsonObject requests = new JsonObject();
                    metrics.requestsLastMinute().forEach(requests::put);
                    AuditTrail trail = AuditTrail.process();
                    message.reply(new JsonObject()
                            .put("node", node())
                            .put("supervisor", supervisor)
                            .put("backends", metrics.backends().toJson())
                            .put("requests_last_minute", requests)
                            .put("active_users", trail.activeUsers())
                            .put("refusals", trail.refusals()));
                });
    }

    private void report(Message<Object> message) {
        FrontConfig current = config;
        String self = node();
        List<String> nodes = members();
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (String node : nodes) {
            DeliveryOptions options = new DeliveryOptions().setSendTimeout(MEMBER_TIMEOUT_MS);
            answers.add(vertx.eventBus()
                    .<JsonObject>request(Addresses.statusMember(node), null, options)
                    .map(Message::body)
                    .otherwise(e -> new JsonObject().put("node", node).put("unreachable", e.getMessage())));
        }
        Future<Map<String, String>> routeEras = eras(current);
        Future.join(new ArrayList<Future<?>>(answers))
                .otherwiseEmpty()
                .compose(v -> routeEras)
                .onComplete(done -> {
                    List<JsonObject> members =
                            answers.stream().map(Future::result).toList();
                    message.reply(StatusReport.assemble(current, self, members, done.result(), Instant.now()));
                });
    }

    /** The era each route's backend is spoken to in, as far as it is known now. */
    private Future<Map<String, String>> eras(FrontConfig current) {
        // Lookups complete on whichever context probed the backend.
        Map<String, String> out = new ConcurrentHashMap<>();
        List<Future<?>> lookups = new ArrayList<>();
        for (RouteConfig route : current.routes()) {
            if (route.type() == RouteConfig.RouteType.STDIO) {
                out.put(
                        route.path(),
                        switch (route.protocol()) {
                            case V2025 -> "2025";
                            case V2026 -> "2026";
                            case AUTO -> "auto (per process)";
                        });
                continue;
            }
            Future<Era> era = eras.eraOf(route).timeout(MEMBER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            lookups.add(era.onComplete(
                    ar -> out.put(route.path(), ar.succeeded() ? ar.result().label() : "unknown")));
        }
        return Future.join(lookups).otherwiseEmpty().map(v -> {
            Map<String, String> ordered = new LinkedHashMap<>();
            current.routes().forEach(r -> ordered.put(r.path(), out.getOrDefault(r.path(), "unknown")));
            return ordered;
        });
    }
}
