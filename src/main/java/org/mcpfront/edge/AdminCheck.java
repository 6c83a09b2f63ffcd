package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.mcpfront.identity.Principals;
import org.mcpfront.oauth.grants.AccessTokens;

/**
 * Who may read operational details (the checks behind {@code /ready}): a caller whose
 * {@code Authorization: Bearer} token is one of ours, issued for the gateway as a whole (audience the
 * issuer, what a client gets when it names no route), to a user in {@code oauth.admins}. Load balancers
 * send no credentials and get the status alone.
 */
final class AdminCheck {

    /** What the caller is; {@code reason} says why a presented token does not make an admin. */
    record Caller(Kind kind, String reason) {
        enum Kind {
            ANONYMOUS,
            ADMIN,
            INVALID_TOKEN,
            NOT_ADMIN
        }

        static final Caller ANONYMOUS = new Caller(Kind.ANONYMOUS, null);
        static final Caller ADMIN = new Caller(Kind.ADMIN, null);
    }

    private final AccessTokens tokens;
    private final Supplier<EdgeConfig> config;

    AdminCheck(AccessTokens tokens, Supplier<EdgeConfig> config) {
        this.tokens = tokens;
        this.config = config;
    }

    Future<Caller> caller(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null) {
            return Future.succeededFuture(Caller.ANONYMOUS);
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Future.succeededFuture(new Caller(Caller.Kind.INVALID_TOKEN, "send a Bearer access token"));
        }
        // Operational data matters most while the store is down: the revocation list may be skipped then.
        return tokens.verifyEvenWithoutStore(header.substring(7).trim())
                .map(this::decide)
                .recover(e -> Future.succeededFuture(new Caller(Caller.Kind.INVALID_TOKEN, e.getMessage())));
    }

    private Caller decide(AccessTokens.Claims claims) {
        if (claims.audience() == null || !claims.audience().contains(tokens.issuer())) {
            return new Caller(
                    Caller.Kind.NOT_ADMIN,
                    "the access token was issued for a route, not for the gateway "
                            + "as a whole; sign in without naming a resource");
        }
        if (!Principals.includes(
                config.get().oauth().admins(),
                new org.mcpfront.identity.Caller(claims.email(), claims.groups()),
                config.get().groups())) {
            return new Caller(Caller.Kind.NOT_ADMIN, "the user of this access token is not in oauth.admins");
        }
        return Caller.ADMIN;
    }
}
