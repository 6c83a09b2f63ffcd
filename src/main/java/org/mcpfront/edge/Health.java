package org.mcpfront.edge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.mcpfront.bus.Addresses;

/**
 * Liveness ({@code server.health_path}): the event loop answers. Readiness ({@code /ready}): the parts
 * a request needs respond: today the supervisor; storage and cluster membership join it as they come.
 */
public final class Health {

    private static final long CHECK_TIMEOUT_MS = 2_000;

    public Handler<RoutingContext> liveness(Vertx vertx) {
        HealthChecks checks = HealthChecks.create(vertx)
                .register("event-loop", promise -> promise.complete(Status.OK()));
        return HealthCheckHandler.createWithHealthChecks(checks);
    }

    public Handler<RoutingContext> readiness(Vertx vertx) {
        HealthChecks checks = HealthChecks.create(vertx)
                .register("supervisor", CHECK_TIMEOUT_MS, promise -> vertx.eventBus()
                        .<JsonObject>request(Addresses.SUPERVISOR_STATUS, null, new DeliveryOptions().setSendTimeout(CHECK_TIMEOUT_MS))
                        .onSuccess(reply -> promise.complete(Status.OK(reply.body())))
                        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))));
        return HealthCheckHandler.createWithHealthChecks(checks);
    }
}
