package org.mcpfront.supervisor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalCodec;
import org.mcpfront.config.ConfigDiff;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.session.BackendHttp;
import org.mcpfront.session.Backends;
import org.mcpfront.session.SessionProtocol;
import org.mcpfront.session.SessionSpec;
import org.mcpfront.session.SessionVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts and stops this instance's sessions: one {@link SessionVerticle} each. Closes the sessions of
 * a route that a config edit removed, and drains every session when mcp-front shuts down.
 */
public final class SupervisorVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(SupervisorVerticle.class);
    /** How long a close waits for the session's answer. */
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private final GatewayMetrics metrics;
    private final Map<String, RouteConfig> sessions = new HashMap<>();
    private FrontConfig config;
    private BackendHttp backendHttp;

    public SupervisorVerticle(FrontConfig config, GatewayMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        LocalCodec.register(vertx, SessionRequest.class);
        LocalCodec.register(vertx, FrontConfig.class);
        backendHttp = new BackendHttp(vertx);
        return Future.all(
                vertx.eventBus().<SessionRequest>localConsumer(Addresses.SUPERVISOR_SESSIONS, this::open).completion(),
                vertx.eventBus().<String>localConsumer(Addresses.SUPERVISOR_SESSION_ENDED, m -> sessions.remove(m.body()))
                        .completion(),
                vertx.eventBus().<FrontConfig>localConsumer(Addresses.CONFIG_CHANGED, m -> reconfigure(m.body()))
                        .completion(),
                vertx.eventBus().localConsumer(Addresses.SUPERVISOR_STATUS,
                        m -> m.reply(new JsonObject().put("sessions", sessions.size()))).completion());
    }

    private void open(Message<SessionRequest> message) {
        SessionRequest request = message.body();
        RouteConfig route = request.route();
        if (config.route(route.path()).isEmpty()) {
            message.fail(404, "route " + route.path() + " is not configured");
            return;
        }
        String id = SessionIds.next();
        SessionSpec spec = new SessionSpec(id, route, request.clientTransport(), request.standalone());
        SessionVerticle session;
        try {
            session = new SessionVerticle(spec, Backends.forRoute(vertx, backendHttp, route, id), metrics);
        } catch (IllegalArgumentException unsupported) {
            message.fail(501, unsupported.getMessage());
            return;
        }
        sessions.put(id, route);
        vertx.deployVerticle(session).onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(id);
                return;
            }
            sessions.remove(id);
            metrics.backendError(route.path(), "connect");
            log.atWarn().addKeyValue("route", route.path()).addKeyValue("session", id)
                    .addKeyValue("reason", ar.cause().getMessage()).log("session could not start");
            message.fail(502, "backend for " + route.path() + " is unavailable: " + ar.cause().getMessage());
        });
    }

    private void reconfigure(FrontConfig next) {
        ConfigDiff diff = ConfigDiff.between(config, next);
        config = next;
        List<String> ids = new ArrayList<>();
        sessions.forEach((id, route) -> {
            if (diff.removed().contains(route.path())) {
                ids.add(id);
            }
        });
        for (String id : ids) {
            close(id, "route removed from the configuration");
        }
        // Sessions of changed routes keep the settings they started with; new sessions get the new ones.
    }

    private void close(String id, String reason) {
        DeliveryOptions options = SessionProtocol.op(SessionProtocol.CLOSE)
                .addHeader(SessionProtocol.REASON, reason)
                .setSendTimeout(CLOSE_TIMEOUT_MS);
        vertx.eventBus().request(Addresses.sessionIn(id), null, options).onFailure(e -> log.atDebug()
                .addKeyValue("session", id).addKeyValue("reason", e.getMessage()).log("session was already gone"));
    }

    /**
     * Sessions are child deployments of this verticle, and Vert.x undeploys children before their
     * parent: by the time this runs, every session has drained itself (errors for requests in
     * flight, streams ended, backend sessions deleted). What is left is the shared client.
     */
    @Override
    public Future<?> stop() {
        return backendHttp.close();
    }
}
