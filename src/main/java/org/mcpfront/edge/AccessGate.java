package org.mcpfront.edge;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;
import org.mcpfront.access.Decision;
import org.mcpfront.access.RouteAccess;
import org.mcpfront.access.Targets;
import org.mcpfront.access.Visibility;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RateLimit;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.identity.Caller;
import org.mcpfront.limits.RateLimiter;
import org.mcpfront.observability.Audit;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.protocol.ModernRequests;
import org.mcpfront.transport.JsonRpcErrors;
import org.mcpfront.transport.JsonRpcException;
import org.mcpfront.transport.JsonRpcMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's {@code access:} rules, applied at the edge to every MCP request once its token checked out, with the
 * configuration in force (edits apply to the next request): a user the route does not admit gets 403; a user
 * over the route's per-user rate gets 429 with {@code Retry-After}; a request that uses a tool, prompt or resource
 * hidden from the user gets a JSON-RPC error and goes no further. A 2026-07-28 request is judged by its
 * {@code Mcp-Method} and {@code Mcp-Name} headers before its body is read, and by its body again (which must
 * agree, see {@link ModernRequests}). What the user may see travels with each request to the session as a
 * {@link Visibility}, which filters list answers.
 */
final class AccessGate {

    private static final Logger log = LoggerFactory.getLogger(AccessGate.class);
    static final String VISIBILITY = "mcp-front.visibility";

    private final Supplier<EdgeConfig> config;
    private final RateLimiter limiter;
    private final GatewayMetrics metrics;

    AccessGate(Supplier<EdgeConfig> config, RateLimiter limiter, GatewayMetrics metrics) {
        this.config = config;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /** What the caller of this (checked) request may see on its route; everything when no gate ran. */
    static Visibility visibility(RoutingContext ctx) {
        Visibility visibility = ctx.get(VISIBILITY);
        return visibility == null ? Visibility.ALL : visibility;
    }

    /** After the bearer check, before the body is read: the route, the rate, a 2026-07-28 request's headers. */
    void admit(RoutingContext ctx) {
        RouteConfig route = ctx.get(EdgeVerticle.ROUTE);
        EdgeConfig current = config.get();
        RouteAccess access = route.access();
        Caller caller = BearerCheck.caller(ctx);
        SessionOwner owner = BearerCheck.owner(ctx);
        Decision admitted = access.admits(caller, current.groups());
        if (!admitted.allowed()) {
            Audit.accessDenied(owner.email(), owner.clientId(), route.path(), "route", route.path(), admitted.rule());
            metrics.refused(route.path(), "route");
            refuse(
                    ctx,
                    403,
                    null,
                    "Forbidden: " + who(owner) + " may not use " + route.path()
                            + "; an administrator can add you to its access.users");
            return;
        }
        Visibility visibility = access.visibilityFor(caller, current.groups());
        ctx.put(VISIBILITY, visibility);
        boolean post = ctx.request().method() == HttpMethod.POST;
        if (post && !visibility.hidesNothing()) {
            String name = ctx.request().getHeader(ModernRequests.NAME_HEADER);
            Targets.Target named = Targets.ofHeaders(
                    ctx.request().getHeader(ModernRequests.METHOD_HEADER),
                    name != null && ModernRequests.headerSafe(name) ? ModernRequests.decodeValue(name) : null);
            if (named != null) {
                Decision decision = visibility.decide(named.kind(), named.name());
                if (!decision.allowed()) {
                    // Refused on the headers alone: the body is never read, so there is no id to answer.
                    hidden(ctx, route, owner, named, decision, 403, null);
                    return;
                }
            }
        }
        RateLimit limit = access.userRateLimit().orElse(null);
        if (!post || limit == null) {
            ctx.next();
            return;
        }
        // The store may be Redis: keep the body waiting, as the bearer check does.
        ctx.request().pause();
        limiter.perUser("mcp:" + route.path(), owner.subject(), limit).onComplete(verdict -> {
            if (verdict.failed()) {
                // The bearer check just reached the same store; a count lost now lets the request through.
                log.atWarn()
                        .addKeyValue("route", route.path())
                        .addKeyValue("reason", verdict.cause().getMessage())
                        .log("could not count a request against the per-user rate limit; let through");
                ctx.next();
                return;
            }
            RateLimiter.Verdict v = verdict.result();
            if (v.allowed()) {
                ctx.next();
                return;
            }
            metrics.refused(route.path(), "rate_limit");
            if (v.firstRefusal()) {
                Audit.rateLimited(
                        owner.email(), owner.clientId(), route.path(), limit.toString(), v.retryAfterSeconds());
            }
            ctx.response().putHeader("Retry-After", Long.toString(v.retryAfterSeconds()));
            refuse(
                    ctx,
                    429,
                    null,
                    "Too many requests: " + route.path() + " takes at most " + limit.count()
                            + " requests per " + limit.window().toSeconds() + " s from one user; retry in "
                            + v.retryAfterSeconds() + " s");
        });
    }

    /**
     * After the body is read: every request in it that uses something hidden from the caller is refused
     * before any of it reaches a session. A single request on {@code /mcp} gets its JSON-RPC error as the
     * answer to its POST (status 200, as any error a server gives); anything else (the legacy SSE transport's
     * message endpoint, whose answers travel on another stream, or a batch) a 403 with the error.
     */
    void checkMessages(RoutingContext ctx) {
        Visibility visibility = visibility(ctx);
        if (visibility.hidesNothing() || ctx.request().method() != HttpMethod.POST) {
            ctx.next();
            return;
        }
        List<JsonRpcMessage> messages;
        try {
            messages = JsonRpcMessage.parseBody(BodyText.of(ctx));
        } catch (JsonRpcException | RuntimeException unparsable) {
            ctx.next();
            return;
        }
        for (JsonRpcMessage message : messages) {
            if (!message.isRequest()) {
                continue;
            }
            Targets.Target target = Targets.of(message.method(), message.params());
            if (target == null) {
                continue;
            }
            Decision decision = visibility.decide(target.kind(), target.name());
            if (!decision.allowed()) {
                boolean ownAnswer = messages.size() == 1 && "mcp".equals(ctx.pathParam("endpoint"));
                hidden(
                        ctx,
                        ctx.get(EdgeVerticle.ROUTE),
                        BearerCheck.owner(ctx),
                        target,
                        decision,
                        ownAnswer ? 200 : 403,
                        message.idKey());
                return;
            }
        }
        ctx.next();
    }

    private void hidden(
            RoutingContext ctx,
            RouteConfig route,
            SessionOwner owner,
            Targets.Target target,
            Decision decision,
            int status,
            String idKey) {
        String subject = target.kind().noun;
        Audit.accessDenied(owner.email(), owner.clientId(), route.path(), subject, target.name(), decision.rule());
        metrics.refused(route.path(), subject);
        // The rule that decided goes to the audit line, not to the client: the config is the operator's business.
        refuse(
                ctx,
                status,
                idKey,
                "Forbidden: the " + subject + " " + target.name() + " is not available to " + who(owner) + " on "
                        + route.path());
    }

    private static void refuse(RoutingContext ctx, int status, String idKey, String message) {
        ctx.request().resume();
        Replies.error(
                ctx.response(),
                status,
                idKey,
                status == 429 ? JsonRpcErrors.RATE_LIMITED : JsonRpcErrors.FORBIDDEN,
                message);
    }

    private static String who(SessionOwner owner) {
        return owner.email() == null || owner.email().isBlank() ? "this user" : owner.email();
    }
}
