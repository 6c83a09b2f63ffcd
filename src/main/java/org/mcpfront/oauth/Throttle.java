package org.mcpfront.oauth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import org.mcpfront.config.OAuthLimits;
import org.mcpfront.config.RateLimit;
import org.mcpfront.limits.RateLimiter;
import org.mcpfront.limits.RateLimiter.Verdict;
import org.mcpfront.net.ClientAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What anyone may make the authorization server do before signing in ({@code oauth.limits}): register
 * clients and start sign-ins, counted per client address (behind trusted proxies, the address they
 * name) and, for registrations, overall. Each of those keeps state in the store for a while.
 */
public final class Throttle {

    private static final Logger log = LoggerFactory.getLogger(Throttle.class);

    private final RateLimiter limiter;
    private final ClientAddresses addresses;
    private final OAuthLimits limits;

    Throttle(RateLimiter limiter, ClientAddresses addresses, OAuthLimits limits) {
        this.limiter = limiter;
        this.addresses = addresses;
        this.limits = limits;
    }

    public Future<Verdict> registration(HttpServerRequest request) {
        InetAddress address = addresses.of(request);
        return limiter.perAddress("register", address, limits.registrationsPerAddress())
                .onSuccess(
                        v -> logFirst(v, "registrations from one address", address, limits.registrationsPerAddress()))
                .compose(v -> !v.allowed()
                        ? Future.succeededFuture(v)
                        : limiter.overall("register", limits.registrations())
                                .onSuccess(all -> logFirst(
                                        all, "registrations from all addresses", null, limits.registrations())));
    }

    public Future<Verdict> authorization(HttpServerRequest request) {
        InetAddress address = addresses.of(request);
        return limiter.perAddress("authorize", address, limits.authorizationsPerAddress())
                .onSuccess(v -> logFirst(
                        v, "authorization requests from one address", address, limits.authorizationsPerAddress()));
    }

    private static void logFirst(Verdict verdict, String what, InetAddress address, RateLimit limit) {
        if (verdict.firstRefusal()) {
            log.atWarn()
                    .addKeyValue("requests", what)
                    .addKeyValue("limit", limit.toString())
                    .addKeyValue("address", address == null ? "all" : RateLimiter.key(address))
                    .log("rate limit reached; refusing more until the window ends");
        }
    }

    /** The sentence for a refused client: what is limited and when to try again. */
    public static String refusal(String what, Verdict verdict) {
        return "Too many " + what + " right now; try again in " + verdict.retryAfterSeconds() + " s.";
    }
}
