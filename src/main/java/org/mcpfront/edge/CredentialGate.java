package org.mcpfront.edge;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.credentials.CredentialRequired;
import org.mcpfront.credentials.UserCredentials;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route with {@code credential:} serves a user's requests only once they connected their own account at its
 * service. Checked at the edge on every request (not once per session), so that a user who connects, or connects
 * again, while their client keeps its session goes on without reconnecting; the backend request itself reads the
 * credential again ({@code BackendIdentity}). A request without one gets the MCP 2025-11-25
 * {@code URLElicitationRequiredError} ({@value #URL_ELICITATION_REQUIRED}) with the connections page as its URL,
 * and a message naming the page for clients that show only the message; it never reaches a backend.
 */
final class CredentialGate {

    private static final Logger log = LoggerFactory.getLogger(CredentialGate.class);
    static final int URL_ELICITATION_REQUIRED = -32042;

    private final UserCredentials credentials;

    /** @param credentials null when no {@code credentials.keys} are configured */
    CredentialGate(UserCredentials credentials) {
        this.credentials = credentials;
    }

    void check(RoutingContext ctx) {
        RouteConfig route = ctx.get(EdgeVerticle.ROUTE);
        if (route.credential().isEmpty() || ctx.request().method() != HttpMethod.POST) {
            ctx.next();
            return;
        }
        List<JsonRpcMessage> messages;
        try {
            messages = JsonRpcMessage.parseBody(ctx.body().asString());
        } catch (JsonRpcException | RuntimeException unparsable) {
            ctx.next(); // the endpoint answers a bad body as it always does
            return;
        }
        JsonRpcMessage request =
                messages.stream().filter(JsonRpcMessage::isRequest).findFirst().orElse(null);
        if (request == null) {
            ctx.next(); // notifications and responses carry nothing to the service
            return;
        }
        boolean ownAnswer = messages.size() == 1 && "mcp".equals(ctx.pathParam("endpoint"));
        if (credentials == null) {
            Replies.error(
                    ctx.response(),
                    503,
                    request.idKey(),
                    route.path() + " needs users' own credentials, but this mcp-front has no credentials.keys "
                            + "loaded; an administrator must set them and restart");
            return;
        }
        SessionOwner owner = BearerCheck.owner(ctx);
        ctx.request().pause();
        credentials.check(route, owner.subject(), owner.email()).onComplete(checked -> {
            ctx.request().resume();
            if (checked.succeeded()) {
                ctx.next();
            } else if (checked.cause() instanceof CredentialRequired required) {
                refuse(ctx, required, request.idKey(), ownAnswer ? 200 : 403);
            } else {
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("user", owner.email())
                        .addKeyValue("reason", checked.cause().getMessage())
                        .log("could not read the user's service credential");
                Replies.error(
                        ctx.response(),
                        503,
                        request.idKey(),
                        "Your credential for " + route.path() + " cannot be read right now; try again shortly");
            }
        });
    }

    private static void refuse(RoutingContext ctx, CredentialRequired required, String idKey, int status) {
        JsonObject elicitation = new JsonObject()
                .put("mode", "url")
                .put("elicitationId", Secrets.random())
                .put("url", required.connectUrl())
                .put("message", "Connect your account for " + required.route() + " to go on.");
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(JsonRpcErrors.error(
                        idKey,
                        URL_ELICITATION_REQUIRED,
                        required.getMessage(),
                        new JsonObject().put("elicitations", new JsonArray().add(elicitation))));
    }
}
