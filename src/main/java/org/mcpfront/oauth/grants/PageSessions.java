package org.mcpfront.oauth.grants;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.identity.Caller;
import org.mcpfront.identity.Identity;
import org.mcpfront.identity.Memberships;
import org.mcpfront.oauth.PageSignIn;
import org.mcpfront.storage.Store;

/**
 * The browser sessions of mcp-front's own pages. A sign-in that {@link AuthorizeEndpoint} completed for a
 * page ends here: a random value goes to the browser as an HttpOnly, SameSite=Lax cookie ({@code __Host-}
 * and Secure unless the issuer is loopback http), and only its hash is stored, with the person's email and
 * memberships as sign-in found them (a {@code group:} or {@code iam:} principal of {@code oauth.admins}), so
 * that every instance of a cluster knows it and a store dump reveals no usable cookie. The value never
 * appears in a URL.
 */
final class PageSessions implements PageSignIn {

    static final Duration TTL = Duration.ofHours(8);
    private static final String KEY = "page-session:";

    private final Store store;
    private final Supplier<String> issuer;
    private final AuthorizeEndpoint authorize;

    PageSessions(Store store, Supplier<String> issuer, AuthorizeEndpoint authorize) {
        this.store = store;
        this.issuer = issuer;
        this.authorize = authorize;
    }

    @Override
    public Future<Caller> viewer(RoutingContext ctx) {
        return signedIn(ctx).map(viewer -> viewer == null ? null : viewer.caller());
    }

    @Override
    public Future<Viewer> signedIn(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(cookieName());
        if (cookie == null || cookie.getValue().length() < 43) {
            return Future.succeededFuture(null);
        }
        return store.get(KEY + Secrets.hash(cookie.getValue()))
                .map(session -> session == null || session.getString("sub") == null
                        ? null
                        : new Viewer(
                                session.getString("sub"),
                                new Caller(
                                        session.getString("email"),
                                        session.getJsonArray("memberships", new JsonArray()).stream()
                                                .map(String::valueOf)
                                                .collect(Collectors.toSet()))));
    }

    @Override
    public void signIn(RoutingContext ctx, String returnPath) {
        authorize.signInForPage(ctx, returnPath);
    }

    /** The identity provider vouched for {@code who} and admission let them in: start the page session. */
    Future<Void> start(RoutingContext ctx, Identity who, Memberships.Resolved held, String returnPath) {
        String value = Secrets.random();
        JsonObject session = new JsonObject()
                .put("email", who.email())
                .put("sub", who.subject())
                .put("memberships", new JsonArray(held.sorted()));
        return store.put(KEY + Secrets.hash(value), session, TTL).onSuccess(v -> {
            boolean secure = issuer.get().startsWith("https://");
            ctx.response()
                    .addCookie(Cookie.cookie(cookieName(), value)
                            .setPath("/")
                            .setHttpOnly(true)
                            .setSecure(secure)
                            .setSameSite(CookieSameSite.LAX)
                            .setMaxAge(TTL.toSeconds()));
            ctx.response()
                    .setStatusCode(302)
                    .putHeader("Location", returnPath)
                    .putHeader("Cache-Control", "no-store")
                    .end();
        });
    }

    /** {@code __Host-} needs Secure, which a plain-http loopback issuer cannot have. */
    private String cookieName() {
        return issuer.get().startsWith("https://") ? "__Host-mcp-front-page" : "mcp-front-page";
    }
}
