package org.mcpfront.credentials;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.RouteCredential;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.oauth.PageSignIn;
import org.mcpfront.oauth.PageSignIn.Viewer;
import org.mcpfront.observability.Audit;
import org.mcpfront.pages.Html;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /connections}: where a signed-in user (the page sign-in of the status page) connects their own accounts
 * at the services behind the routes they may use (by their access rules, with the memberships of their sign-in).
 * An OAuth service is connected with an authorization-code flow in which mcp-front is the client (PKCE S256, a
 * single-use state bound to the user, the answer at {@code /connections/callback}); a token service with a paste
 * form. Every form carries a CSRF token bound to the user; no token is ever shown back.
 */
public final class ConnectionsPage {

    private static final Logger log = LoggerFactory.getLogger(ConnectionsPage.class);
    static final String PAGE = ReservedPaths.CONNECTIONS;
    static final String CONNECT = PAGE + "/connect";
    static final String CALLBACK = PAGE + "/callback";
    static final String TOKEN = PAGE + "/token";
    static final String DISCONNECT = PAGE + "/disconnect";
    private static final String CSRF = "connections-csrf:";
    private static final String PENDING = "connections-pending:";
    private static final Duration CSRF_TTL = Duration.ofHours(1);
    /** Long enough to sign in at the service and allow access; the state is single use. */
    private static final Duration PENDING_TTL = Duration.ofMinutes(10);
    /** A pasted token, a form's fields: nothing legitimate comes close. */
    private static final long MAX_BODY_BYTES = 16 * 1024;

    private final UserCredentials credentials;
    private final PageSignIn signIn;
    private final Store store;
    private final Supplier<List<RouteConfig>> routes;
    private final Supplier<Map<String, List<String>>> groups;
    private final Supplier<String> issuer;
    private final Clock clock;

    public ConnectionsPage(
            UserCredentials credentials,
            PageSignIn signIn,
            Store store,
            Supplier<List<RouteConfig>> routes,
            Supplier<Map<String, List<String>>> groups,
            Supplier<String> issuer) {
        this.credentials = credentials;
        this.signIn = signIn;
        this.store = store;
        this.routes = routes;
        this.groups = groups;
        this.issuer = issuer;
        this.clock = Clock.systemUTC();
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        router.get(PAGE).handler(this::page);
        router.post(CONNECT).handler(body).handler(this::connect);
        router.get(CALLBACK).handler(this::callback);
        router.post(TOKEN).handler(body).handler(this::paste);
        router.post(DISCONNECT).handler(body).handler(this::disconnect);
    }

    private void page(RoutingContext ctx) {
        viewer(
                ctx,
                PAGE,
                viewer -> usable(viewer)
                        .compose(mine -> {
                            List<Future<Optional<ServiceCredential>>> states = new ArrayList<>();
                            for (RouteConfig route : mine) {
                                states.add(credentials.stored(viewer.subject(), route.path()));
                            }
                            String csrf = Secrets.random();
                            return Future.all(states)
                                    .compose(all -> store.put(
                                                    CSRF + Secrets.hash(csrf),
                                                    new JsonObject().put("sub", viewer.subject()),
                                                    CSRF_TTL)
                                            .map(v -> {
                                                List<ConnectionsHtml.Row> rows = new ArrayList<>();
                                                for (int i = 0; i < mine.size(); i++) {
                                                    rows.add(new ConnectionsHtml.Row(
                                                            mine.get(i), all.<Optional<ServiceCredential>>resultAt(i)));
                                                }
                                                return rows;
                                            }))
                                    .onSuccess(rows -> Html.send(
                                            ctx.response(),
                                            200,
                                            "Your connections",
                                            ConnectionsHtml.body(viewer.email(), rows, csrf, clock.instant())));
                        })
                        .onFailure(e -> unavailable(ctx, e)));
    }

    /** Starts an OAuth connect: PKCE and a single-use state bound to this user, then off to the service. */
    private void connect(RoutingContext ctx) {
        form(ctx, (viewer, route) -> {
            if (!(route.credential().get() instanceof RouteCredential.OAuth oauth)) {
                return refuse(ctx, 400, route.path() + " takes a pasted token, not an OAuth connection");
            }
            String verifier = Secrets.random();
            String state = Secrets.random();
            JsonObject pending = new JsonObject()
                    .put("sub", viewer.subject())
                    .put("email", viewer.email())
                    .put("route", route.path())
                    .put("verifier", verifier);
            return credentials
                    .service()
                    .endpoints(oauth)
                    .compose(endpoints -> store.put(PENDING + Secrets.hash(state), pending, PENDING_TTL)
                            .map(v -> ServiceClient.authorizationUrl(
                                    endpoints, oauth, redirectUri(), state, Secrets.hash(verifier))))
                    .map(url -> {
                        ctx.response()
                                .setStatusCode(303)
                                .putHeader("Location", url)
                                .putHeader("Cache-Control", "no-store")
                                .end();
                        return null;
                    });
        });
    }

    /** The service's answer: the state must be pending for the signed-in user; the code is exchanged and stored. */
    private void callback(RoutingContext ctx) {
        String state = ctx.request().getParam("state");
        viewer(ctx, PAGE, viewer -> {
            if (state == null || state.isEmpty()) {
                refuse(ctx, 400, "The service's answer has no state; start again from the connections page.");
                return;
            }
            store.take(PENDING + Secrets.hash(state))
                    .compose(pending -> {
                        if (pending == null || !viewer.subject().equals(pending.getString("sub"))) {
                            return refuse(
                                    ctx,
                                    400,
                                    "This answer does not belong to a connection you started here (or it expired); "
                                            + "start again from the connections page.");
                        }
                        String routePath = pending.getString("route");
                        Optional<RouteConfig> route = routes.get().stream()
                                .filter(r -> r.path().equals(routePath))
                                .findFirst();
                        if (route.isEmpty()
                                || !(route.get().credential().orElse(null) instanceof RouteCredential.OAuth oauth)) {
                            return refuse(ctx, 400, routePath + " no longer connects an account by OAuth.");
                        }
                        String error = ctx.request().getParam("error");
                        String code = ctx.request().getParam("code");
                        if (error != null || code == null) {
                            Audit.credential(
                                    "credential_connect_refused",
                                    "the service did not grant access",
                                    viewer.email(),
                                    routePath,
                                    error == null ? "no code" : error);
                            return refuse(
                                    ctx,
                                    400,
                                    "The service did not grant access"
                                            + (error == null ? "" : " (" + error + ")")
                                            + "; nothing was connected.");
                        }
                        return credentials
                                .service()
                                .exchange(oauth, code, pending.getString("verifier"), redirectUri())
                                .compose(credential -> credentials.connect(
                                        routePath, viewer.subject(), viewer.email(), credential, "oauth"))
                                .map(v -> backToPage(ctx));
                    })
                    .onFailure(e -> unavailable(ctx, e));
        });
    }

    /** A token pasted by the user; it is stored and never shown again. */
    private void paste(RoutingContext ctx) {
        form(ctx, (viewer, route) -> {
            if (!(route.credential().get() instanceof RouteCredential.Token)) {
                return refuse(ctx, 400, route.path() + " connects by OAuth; use its Connect button");
            }
            String token = ctx.request().getFormAttribute("token");
            if (token == null || token.isBlank() || token.strip().chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                return refuse(ctx, 400, "The token is empty or has characters a header cannot carry; paste it again.");
            }
            ServiceCredential credential =
                    new ServiceCredential(token.strip(), Optional.empty(), Optional.empty(), clock.instant());
            return credentials
                    .connect(route.path(), viewer.subject(), viewer.email(), credential, "token")
                    .map(v -> backToPage(ctx));
        });
    }

    private void disconnect(RoutingContext ctx) {
        form(
                ctx,
                (viewer, route) -> credentials
                        .disconnect(route.path(), viewer.subject(), viewer.email())
                        .map(v -> backToPage(ctx)));
    }

    /** The signed-in user, or off to sign in and back to {@code returnPath}. */
    private void viewer(RoutingContext ctx, String returnPath, java.util.function.Consumer<Viewer> then) {
        signIn.signedIn(ctx).onComplete(found -> {
            if (found.failed()) {
                unavailable(ctx, found.cause());
            } else if (found.result() == null) {
                if (ctx.request().method().name().equals("GET")) {
                    signIn.signIn(ctx, returnPath);
                } else {
                    refuse(ctx, 403, "You are not signed in (or your page session ended); open " + PAGE + " again.");
                }
            } else {
                then.accept(found.result());
            }
        });
    }

    interface FormAction {
        Future<Void> apply(Viewer viewer, RouteConfig route);
    }

    /** A form post: signed in, a CSRF token issued to this user, a route with a credential that they may use. */
    private void form(RoutingContext ctx, FormAction action) {
        viewer(ctx, PAGE, viewer -> {
            String csrf = ctx.request().getFormAttribute("csrf");
            String routePath = ctx.request().getFormAttribute("route");
            if (csrf == null || csrf.length() < 43 || routePath == null) {
                refuse(ctx, 403, "The form is incomplete or out of date; open " + PAGE + " again.");
                return;
            }
            store.get(CSRF + Secrets.hash(csrf))
                    .compose(issued -> {
                        if (issued == null || !viewer.subject().equals(issued.getString("sub"))) {
                            return refuse(ctx, 403, "The form is out of date; open " + PAGE + " again.");
                        }
                        return usable(viewer).compose(mine -> {
                            Optional<RouteConfig> route = mine.stream()
                                    .filter(r -> r.path().equals(routePath))
                                    .findFirst();
                            if (route.isEmpty()) {
                                return refuse(ctx, 404, routePath + " is not a route you can connect.");
                            }
                            return action.apply(viewer, route.get());
                        });
                    })
                    .onFailure(e -> unavailable(ctx, e));
        });
    }

    /** The routes that want a credential and that this user may use, by their access rules. */
    private Future<List<RouteConfig>> usable(Viewer viewer) {
        Map<String, List<String>> groupsNow = groups.get();
        return Future.succeededFuture(routes.get().stream()
                .filter(r -> r.credential().isPresent())
                .filter(r -> r.access().admits(viewer.caller(), groupsNow).allowed())
                .toList());
    }

    private String redirectUri() {
        return issuer.get() + CALLBACK;
    }

    private static Void backToPage(RoutingContext ctx) {
        ctx.response()
                .setStatusCode(303)
                .putHeader("Location", PAGE)
                .putHeader("Cache-Control", "no-store")
                .end();
        return null;
    }

    private static Future<Void> refuse(RoutingContext ctx, int status, String message) {
        Html.send(
                ctx.response(),
                status,
                "Not connected",
                "<p class=\"error\">" + Html.escape(message) + "</p><p><a href=\"" + PAGE
                        + "\">Back to your connections</a></p>");
        return Future.succeededFuture();
    }

    private static void unavailable(RoutingContext ctx, Throwable e) {
        log.atWarn().addKeyValue("reason", e.getMessage()).log("connections page failed");
        Html.send(
                ctx.response(),
                503,
                "Connections unavailable",
                "<p class=\"error\">That did not work: " + Html.escape(e.getMessage())
                        + ". Try again in a minute.</p><p><a href=\"" + PAGE + "\">Back to your connections</a></p>");
    }
}
