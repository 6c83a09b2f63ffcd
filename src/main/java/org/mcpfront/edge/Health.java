package org.mcpfront.edge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.cluster.Clustering;
import org.mcpfront.observability.BackendHealth;
import org.mcpfront.storage.Store;

/**
 * Liveness ({@code server.health_path}): the event loop answers. Readiness ({@code /ready}): the parts
 * a request needs respond: the supervisor (with per-route session counts and start failures) and the
 * store, and in a cluster its membership. The details also show each HTTP backend's health
 * ({@code backends}: up, down or unknown, the last error), which never makes the instance not ready. An instance that
 * loses Redis goes not-ready and comes back
 * by itself once Redis answers.
 *
 * <p>Anyone, a load balancer above all, gets the status alone ({@code {"status":"UP"}}, 200 or 503):
 * the details name routes, session counts and why backends failed, and are only for an admin
 * ({@link AdminCheck}).
 */
public final class Health {

    private static final long CHECK_TIMEOUT_MS = 2_000;

    private final Store store;
    private final Clustering clustering;
    private final BackendHealth backends;

    /** {@code clustering} is null for a single instance. */
    public Health(Store store, Clustering clustering, BackendHealth backends) {
        this.store = store;
        this.clustering = clustering;
        this.backends = backends;
    }

    public Handler<RoutingContext> liveness(Vertx vertx) {
        HealthChecks checks =
                HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
        return HealthCheckHandler.createWithHealthChecks(checks);
    }

    Handler<RoutingContext> readiness(Vertx vertx, AdminCheck admins) {
        HealthChecks checks = HealthChecks.create(vertx)
                .register(
                        "supervisor",
                        CHECK_TIMEOUT_MS,
                        promise -> LocalOnly.<JsonObject>request(
                                        vertx, Addresses.SUPERVISOR_STATUS, null, CHECK_TIMEOUT_MS)
                                .onSuccess(reply -> promise.complete(Status.OK(reply.body())))
                                .onFailure(e ->
                                        promise.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))))
                .register(
                        "storage",
                        CHECK_TIMEOUT_MS,
                        promise -> store.ping()
                                .onSuccess(v -> promise.complete(Status.OK()))
                                .onFailure(e ->
                                        promise.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))))
                // A backend that is down takes its route down, not the instance: a load balancer that
                // pulled every instance for it would take the healthy routes with it. So this check is
                // always up, and its details say which backends are not.
                .register("backends", promise -> promise.complete(Status.OK(backends.toJson())));
        if (clustering != null) {
            checks.register("cluster", CHECK_TIMEOUT_MS, promise -> {
                JsonObject membership = clustering.membership();
                promise.complete(membership.getBoolean("active") ? Status.OK(membership) : Status.KO(membership));
            });
        }
        Handler<RoutingContext> details = HealthCheckHandler.createWithHealthChecks(checks);
        return ctx -> admins.caller(ctx).onSuccess(caller -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            switch (caller.kind()) {
                case ADMIN -> details.handle(ctx);
                case ANONYMOUS ->
                    checks.checkStatus().onComplete(result -> {
                        boolean up = result.succeeded() && CheckResult.isUp(result.result());
                        reply(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN"));
                    });
                case INVALID_TOKEN -> {
                    ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                    reply(
                            ctx,
                            401,
                            new JsonObject().put("error", "invalid_token").put("error_description", caller.reason()));
                }
                default ->
                    reply(
                            ctx,
                            403,
                            new JsonObject().put("error", "forbidden").put("error_description", caller.reason()));
            }
        });
    }

    private static void reply(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }
}
