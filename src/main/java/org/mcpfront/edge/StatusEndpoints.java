package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.LocalOnly;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.identity.Caller;
import org.mcpfront.identity.Principals;
import org.mcpfront.oauth.PageSignIn;
import org.mcpfront.pages.Html;
import org.mcpfront.status.StatusPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' status page. {@code GET /status} is for a person in a browser: it signs them in the
 * way the consent page does ({@link PageSignIn}), keeps them signed in with an HttpOnly cookie, and
 * shows the report to members of {@code oauth.admins} (anyone else gets 403). {@code GET /status.json}
 * is for scripts: the same report for an admin's bearer token, like {@code /ready}'s details
 * ({@link AdminCheck}); it never reads the cookie, so no other site can make a browser fetch it
 * with the user's session. Both only read, so there is no form to forge.
 */
final class StatusEndpoints {

    private static final Logger log = LoggerFactory.getLogger(StatusEndpoints.class);
    static final String PAGE = ReservedPaths.STATUS;
    static final String JSON = ReservedPaths.STATUS_JSON;
    private static final long REPORT_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final AdminCheck admins;
    private final PageSignIn signIn;
    private final Supplier<EdgeConfig> config;

    StatusEndpoints(Vertx vertx, AdminCheck admins, PageSignIn signIn, Supplier<EdgeConfig> config) {
        this.vertx = vertx;
        this.admins = admins;
        this.signIn = signIn;
        this.config = config;
    }

    void mount(Router router) {
        router.get(PAGE).handler(this::page);
        router.get(JSON).handler(this::json);
    }

    private void page(RoutingContext ctx) {
        signIn.viewer(ctx).onComplete(found -> {
            if (found.failed()) {
                log.atWarn()
                        .addKeyValue("reason", found.cause().getMessage())
                        .log("status page: sign-in state unavailable");
                Html.send(
                        ctx.response(),
                        503,
                        "Status unavailable",
                        "<p>The sign-in state cannot be read right now. " + "Try again in a minute.</p>");
                return;
            }
            Caller viewer = found.result();
            if (viewer == null) {
                signIn.signIn(ctx, PAGE);
                return;
            }
            if (!Principals.includes(
                    config.get().oauth().admins(), viewer, config.get().groups())) {
                Html.send(
                        ctx.response(),
                        403,
                        "Not an administrator",
                        "<p>You are signed in as <b>"
                                + Html.escape(viewer.email())
                                + "</b>, who is not in <code>oauth.admins</code>. The status page is "
                                + "for the administrators of this gateway.</p>");
                return;
            }
            report().onSuccess(report -> Html.sendWide(
                            ctx.response(),
                            200,
                            "mcp-front status",
                            StatusPage.body(report, viewer.email()),
                            Secrets.random(),
                            StatusPage.SCRIPT))
                    .onFailure(e -> Html.send(
                            ctx.response(),
                            503,
                            "Status unavailable",
                            "<p>The report could not be gathered: " + Html.escape(e.getMessage()) + "</p>"));
        });
    }

    private void json(RoutingContext ctx) {
        admins.caller(ctx).onSuccess(caller -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            switch (caller.kind()) {
                case ADMIN ->
                    report().onSuccess(report -> reply(ctx, 200, report))
                            .onFailure(e -> reply(
                                    ctx,
                                    503,
                                    new JsonObject()
                                            .put("error", "unavailable")
                                            .put("error_description", e.getMessage())));
                case ANONYMOUS -> {
                    ctx.response().putHeader("WWW-Authenticate", "Bearer");
                    reply(
                            ctx,
                            401,
                            new JsonObject()
                                    .put("error", "invalid_token")
                                    .put("error_description", "send an administrator's Bearer access token"));
                }
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

    private Future<JsonObject> report() {
        return LocalOnly.<JsonObject>request(vertx, Addresses.STATUS_REPORT, null, REPORT_TIMEOUT_MS)
                .map(Message::body);
    }

    private static void reply(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }
}
