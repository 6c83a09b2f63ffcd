package org.mcpfront.oauth.grants;

import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.identity.Admission;
import org.mcpfront.identity.Caller;
import org.mcpfront.identity.Identity;
import org.mcpfront.identity.IdentityProvider;
import org.mcpfront.identity.Memberships;
import org.mcpfront.oauth.AuthorizationServerConfig;
import org.mcpfront.oauth.OAuthReplies;
import org.mcpfront.oauth.PageSignIn;
import org.mcpfront.oauth.Resources;
import org.mcpfront.oauth.Throttle;
import org.mcpfront.oauth.clients.Clients;
import org.mcpfront.oauth.clients.RegisteredClient;
import org.mcpfront.observability.Audit;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser part of the authorization code flow: {@code GET /authorize} checks the client and its
 * request and sends the browser to the identity provider; {@code /oauth/callback} takes the identity,
 * admits or refuses it and shows the consent page; {@code POST /consent} issues the code.
 *
 * <p>Both steps are bound to the browser that started them by a cookie (login CSRF), each pending
 * step is single use, and the consent form carries its own CSRF token. Nothing is ever redirected to
 * a client or redirect URI that did not check out, and nothing before the user took part is redirected
 * at all: those get an error page.
 */
public final class AuthorizeEndpoint {

    private static final Logger log = LoggerFactory.getLogger(AuthorizeEndpoint.class);
    static final Duration SIGN_IN_TTL = Duration.ofMinutes(10);
    /** A pending sign-in for one of mcp-front's own pages carries the page's path under this key. */
    private static final String PAGE = "page";
    /** How the audit log names the sign-ins of mcp-front's own pages, which have no OAuth client. */
    private static final String PAGE_CLIENT = "mcp-front pages";

    private static final String SIGN_IN = "signin:";
    private static final String CONSENT = "consent:";
    /** RFC 7636 §4.2: 43 to 128 base64url characters for a S256 challenge we accept. */
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43,128}");

    /** Clients use a few dozen random characters; the sign-in keeps {@code state} for ten minutes. */
    static final int MAX_STATE_LENGTH = 1000;

    private final Supplier<AuthorizationServerConfig> config;
    private final Store store;
    private final Clients clients;
    private final Grants grants;
    private final IdentityProvider identity;
    /** Looked up before admission: {@code group:} and {@code iam:} principals admit by them. */
    private final Memberships memberships;

    private final Throttle throttle;
    private final PageSessions pages;

    public AuthorizeEndpoint(
            Supplier<AuthorizationServerConfig> config,
            Store store,
            Clients clients,
            Grants grants,
            IdentityProvider identity,
            Throttle throttle,
            Memberships memberships) {
        this.memberships = memberships;
        this.config = config;
        this.store = store;
        this.clients = clients;
        this.grants = grants;
        this.identity = identity;
        this.throttle = throttle;
        this.pages = new PageSessions(store, () -> config.get().oauth().issuer(), this);
    }

    /** The sign-in of mcp-front's own pages (the status page), through this endpoint's identity provider. */
    public PageSignIn pages() {
        return pages;
    }

    /**
     * Sends the browser to the identity provider for one of mcp-front's own pages: bound to this browser
     * like a client's sign-in, and back at {@code returnPath} with a page session (no client, no consent).
     */
    void signInForPage(RoutingContext ctx, String returnPath) {
        throttle.authorization(ctx.request()).onComplete(verdict -> {
            if (verdict.failed() || !verdict.result().allowed()) {
                OAuthReplies.errorPage(
                        ctx.response(),
                        verdict.failed() ? 503 : 429,
                        "Sign-in is unavailable",
                        verdict.failed()
                                ? "Signing in is not possible right now. Try again in a minute."
                                : Throttle.refusal("sign-in attempts", verdict.result()));
                return;
            }
            String browser = Secrets.hash(browserCookie(ctx));
            beginSignIn(ctx, provider -> PendingSignIn.forPage(returnPath, browser, provider), "a page sign-in");
        });
    }

    /**
     * Sends the browser to the identity provider, keeping what the answer needs ({@code pending}, given the
     * provider's own state) under the hash of a fresh sign-in handle.
     */
    private void beginSignIn(RoutingContext ctx, Function<JsonObject, PendingSignIn> pending, String what) {
        String handle = Secrets.random();
        identity.begin(handle)
                .compose(start -> store.put(
                                SIGN_IN + Secrets.hash(handle),
                                pending.apply(start.providerState()).toJson(),
                                SIGN_IN_TTL)
                        .map(start))
                .onSuccess(start -> ctx.response()
                        .setStatusCode(302)
                        .putHeader("Location", start.redirectUrl())
                        .putHeader("Cache-Control", "no-store")
                        .end())
                .onFailure(e -> {
                    log.atError().addKeyValue("reason", e.getMessage()).log("could not begin " + what);
                    OAuthReplies.errorPage(ctx.response(), 503, "Sign-in is unavailable", e.getMessage());
                });
    }

    /** A page's sign-in came back: the same admission as a client's, then the page session. */
    private void admitToPage(RoutingContext ctx, PendingSignIn pending, Identity who, Memberships.Resolved held) {
        Admission.Decision decision = Admission.check(who, config.get().oauth(), held);
        if (!decision.admitted()) {
            Audit.signInRefused(who.email(), PAGE_CLIENT, decision.reason());
            ConsentPage.refused(ctx.response(), who, decision.reason());
            return;
        }
        pages.start(ctx, who, held, pending.page())
                .onSuccess(v -> Audit.signIn(who.email(), PAGE_CLIENT, List.of()))
                .onFailure(ctx::fail);
    }

    public void authorize(RoutingContext ctx) {
        throttle.authorization(ctx.request()).onComplete(verdict -> {
            if (verdict.failed()) {
                log.atWarn()
                        .addKeyValue("reason", verdict.cause().getMessage())
                        .log("refused an authorization request: the store does not take it");
                OAuthReplies.errorPage(
                        ctx.response(),
                        503,
                        "Sign-in is unavailable",
                        "Signing in is not possible " + "right now. Try again in a minute.");
            } else if (!verdict.result().allowed()) {
                ctx.response()
                        .putHeader("Retry-After", Long.toString(verdict.result().retryAfterSeconds()));
                OAuthReplies.errorPage(
                        ctx.response(),
                        429,
                        "Too many sign-in attempts",
                        Throttle.refusal("sign-in attempts", verdict.result()));
            } else {
                authorizeNow(ctx);
            }
        });
    }

    private void authorizeNow(RoutingContext ctx) {
        MultiMap params = ctx.request().params();
        String clientId = params.get("client_id");
        clients.find(clientId).onComplete(found -> {
            if (found.failed()) {
                OAuthReplies.errorPage(
                        ctx.response(),
                        400,
                        "Unknown application",
                        found.cause().getMessage());
                return;
            }
            RegisteredClient client = found.result();
            String redirectUri = redirectUri(client, params.get("redirect_uri"));
            if (redirectUri == null) {
                OAuthReplies.errorPage(
                        ctx.response(),
                        400,
                        "Unknown redirect address",
                        "The redirect URI "
                                + (params.get("redirect_uri") == null
                                        ? "is missing"
                                        : params.get("redirect_uri") + " is not registered")
                                + " for " + displayName(client) + ".");
                return;
            }
            String state = params.get("state");
            RequestProblem problem = requestProblem(params);
            if (problem != null) {
                refuseRequest(ctx, client, problem);
                return;
            }
            List<String> audience;
            try {
                audience = audience(params.getAll("resource"));
            } catch (IllegalArgumentException e) {
                refuseRequest(ctx, client, new RequestProblem("invalid_target", e.getMessage()));
                return;
            }
            String browser = browserCookie(ctx);
            beginSignIn(
                    ctx,
                    provider -> new PendingSignIn(
                            client.clientId(),
                            redirectUri,
                            state,
                            params.get("code_challenge"),
                            audience,
                            Resources.SCOPE,
                            Secrets.hash(browser),
                            provider,
                            null),
                    "a sign-in");
        });
    }

    /** The identity provider sent the browser back: admit or refuse, then ask for consent. */
    public void callback(RoutingContext ctx) {
        MultiMap params = ctx.request().params();
        if (ctx.request().method().name().equals("POST")) {
            params = MultiMap.caseInsensitiveMultiMap()
                    .addAll(params)
                    .addAll(ctx.request().formAttributes());
        }
        String handle = params.get("state");
        if (handle == null || handle.isBlank()) {
            OAuthReplies.errorPage(ctx.response(), 400, "Sign-in failed", "The sign-in answer has no state.");
            return;
        }
        MultiMap callbackParams = params;
        store.take(SIGN_IN + Secrets.hash(handle)).onComplete(taken -> {
            if (taken.failed()) {
                ctx.fail(taken.cause());
                return;
            }
            if (taken.result() == null) {
                OAuthReplies.errorPage(
                        ctx.response(), 400, "Sign-in expired", "This sign-in has expired or was already completed.");
                return;
            }
            PendingSignIn pending = PendingSignIn.fromJson(taken.result());
            if (!sameBrowser(ctx, pending.browser())) {
                Audit.signInRefused(null, pending.clientId(), "the sign-in was started in another browser");
                OAuthReplies.errorPage(
                        ctx.response(),
                        400,
                        "Sign-in refused",
                        "This sign-in was started in another browser (or its cookie was blocked).");
                return;
            }
            identity.finish(callbackParams, pending.provider()).onComplete(signedIn -> {
                if (signedIn.failed()) {
                    Audit.signInRefused(
                            null, pending.clientId(), signedIn.cause().getMessage());
                    OAuthReplies.errorPage(
                            ctx.response(),
                            400,
                            "Sign-in failed",
                            signedIn.cause().getMessage());
                    return;
                }
                Identity who = signedIn.result();
                // What the user is a member of admits them (group: and iam: principals) and opens routes to them.
                memberships.of(who.email(), who.groups()).onComplete(found -> {
                    if (pending.forPage()) {
                        admitToPage(ctx, pending, who, found.result());
                    } else {
                        admitAndAskConsent(ctx, pending, who, found.result());
                    }
                });
            });
        });
    }

    private void admitAndAskConsent(
            RoutingContext ctx, PendingSignIn pending, Identity who, Memberships.Resolved held) {
        Admission.Decision decision = Admission.check(who, config.get().oauth(), held);
        if (!decision.admitted()) {
            Audit.signInRefused(who.email(), pending.clientId(), decision.reason());
            ConsentPage.refused(ctx.response(), who, decision.reason());
            return;
        }
        clients.find(pending.clientId()).onComplete(found -> {
            if (found.failed()) {
                OAuthReplies.errorPage(
                        ctx.response(),
                        400,
                        "Unknown application",
                        found.cause().getMessage());
                return;
            }
            RouteChoice routes = routesFor(pending.audience(), new Caller(who.email(), held.memberships()));
            if (!routes.closed().isEmpty()) {
                refuseRoutes(ctx, who, pending.clientId(), routes.closed(), held);
                return;
            }
            String consent = Secrets.random();
            String csrf = Secrets.random();
            store.put(
                            CONSENT + Secrets.hash(consent),
                            pending.signedIn(who, Secrets.hash(csrf)).toJson(),
                            SIGN_IN_TTL)
                    .onSuccess(v -> ConsentPage.ask(
                            ctx.response(), found.result(), pending.redirectUri(), routes.shown(), who, consent, csrf))
                    .onFailure(ctx::fail);
        });
    }

    /** {@code POST /consent}: the user allowed or denied. */
    public void consent(RoutingContext ctx) {
        MultiMap form = ctx.request().formAttributes();
        String handle = form.get("consent");
        if (handle == null || handle.isBlank()) {
            OAuthReplies.errorPage(ctx.response(), 400, "Consent failed", "The consent form is incomplete.");
            return;
        }
        store.take(CONSENT + Secrets.hash(handle)).onComplete(taken -> {
            if (taken.failed()) {
                ctx.fail(taken.cause());
                return;
            }
            if (taken.result() == null) {
                OAuthReplies.errorPage(
                        ctx.response(),
                        400,
                        "Consent expired",
                        "This consent request has expired or was already answered.");
                return;
            }
            PendingConsent pending = PendingConsent.fromJson(taken.result());
            String csrf = form.get("csrf");
            if (!sameBrowser(ctx, pending.browser())
                    || csrf == null
                    || !Secrets.equal(Secrets.hash(csrf), pending.csrf())) {
                Audit.signInRefused(
                        pending.who().email(),
                        pending.clientId(),
                        "the consent form did not come from this browser's sign-in");
                OAuthReplies.errorPage(
                        ctx.response(),
                        403,
                        "Consent refused",
                        "The consent form did not come from this browser's sign-in.");
                return;
            }
            String redirectUri = pending.redirectUri();
            String state = pending.state();
            if (!"allow".equals(form.get("decision"))) {
                Audit.consentDenied(pending.who().email(), pending.clientId());
                OAuthReplies.redirectError(
                        ctx.response(), redirectUri, "access_denied", "the user denied access", state, issuer());
                return;
            }
            Identity who = pending.who();
            // The configuration (or a membership) may have changed while the page was open.
            memberships.of(who.email(), who.groups()).onComplete(found -> {
                Memberships.Resolved held = found.result();
                List<String> closed = routesFor(pending.audience(), new Caller(who.email(), held.memberships()))
                        .closed();
                if (!closed.isEmpty()) {
                    refuseRoutes(ctx, who, pending.clientId(), closed, held);
                } else {
                    issueCode(ctx, pending);
                }
            });
        });
    }

    /** Consent given, the routes still open to the user: the code goes to the client. */
    private void issueCode(RoutingContext ctx, PendingConsent pending) {
        Identity who = pending.who();
        String redirectUri = pending.redirectUri();
        Grants.Grant grant = pending.grant();
        grants.issueCode(grant, redirectUri, pending.codeChallenge())
                .onSuccess(code -> clients.used(grant.clientId())
                        .onFailure(e -> log.atWarn()
                                .addKeyValue("client_id", grant.clientId())
                                .addKeyValue("reason", e.getMessage())
                                .log("could not extend a used client's registration")))
                .onSuccess(code -> {
                    Audit.signIn(who.email(), grant.clientId(), grant.audience(), routeNames(pending.audience()));
                    Map<String, String> answer = new LinkedHashMap<>();
                    answer.put("code", code);
                    answer.put("state", pending.state());
                    answer.put("iss", issuer());
                    OAuthReplies.redirect(ctx.response(), redirectUri, answer);
                })
                .onFailure(ctx::fail);
    }

    /** An RFC 6749 §4.1.2.1 error in the request itself. */
    private record RequestProblem(String error, String description) {}

    /**
     * A request that fails its checks gets a page, not a redirect, even to a registered URI: with open
     * registration anyone can register one, and an error that needs no user would make {@code /authorize}
     * an open redirector (RFC 9700 §4.11.2). Errors after the user took part (consent denied) do go back.
     */
    private static void refuseRequest(RoutingContext ctx, RegisteredClient client, RequestProblem problem) {
        log.atInfo()
                .addKeyValue("client_id", client.clientId())
                .addKeyValue("error", problem.error())
                .addKeyValue("reason", problem.description())
                .log("refused an authorization request");
        OAuthReplies.errorPage(
                ctx.response(),
                400,
                "Invalid sign-in request",
                "The sign-in request of "
                        + displayName(client) + " cannot be used: " + problem.description() + " (OAuth error "
                        + problem.error() + "). This is a problem of the application, not of your account.");
    }

    /** The checks after client and redirect URI; null when the request is fine. */
    private static RequestProblem requestProblem(MultiMap params) {
        if (!"code".equals(params.get("response_type"))) {
            return new RequestProblem("unsupported_response_type", "only response_type=code is supported");
        }
        String challenge = params.get("code_challenge");
        if (challenge == null) {
            return new RequestProblem(
                    "invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256");
        }
        if (!CodeChallengeMethod.S256.getValue().equals(params.get("code_challenge_method"))) {
            return new RequestProblem("invalid_request", "code_challenge_method must be S256 (plain is not accepted)");
        }
        if (!CHALLENGE.matcher(challenge).matches()) {
            return new RequestProblem("invalid_request", "code_challenge must be 43 to 128 base64url characters");
        }
        if ("none".equals(params.get("prompt"))) {
            return new RequestProblem("login_required", "signing in always needs the user");
        }
        for (String single : List.of("client_id", "redirect_uri", "state", "code_challenge", "response_type")) {
            if (params.getAll(single).size() > 1) {
                return new RequestProblem("invalid_request", single + " appears more than once");
            }
        }
        String state = params.get("state");
        if (state != null && state.length() > MAX_STATE_LENGTH) {
            return new RequestProblem("invalid_request", "state is longer than " + MAX_STATE_LENGTH + " characters");
        }
        return null;
    }

    /** The audience for the requested resources: each must be ours; none requested means every route. */
    private List<String> audience(List<String> resources) {
        AuthorizationServerConfig current = config.get();
        String issuer = Resources.canonical(current.oauth().issuer()).orElseThrow();
        if (resources.isEmpty()) {
            return List.of(issuer);
        }
        Set<String> audience = new LinkedHashSet<>();
        for (String resource : resources) {
            if (Resources.target(resource, current).isEmpty()) {
                throw new IllegalArgumentException("resource " + resource + " is not served here");
            }
            audience.add(Resources.canonical(resource).orElseThrow());
        }
        return new ArrayList<>(audience);
    }

    private RouteChoice routesFor(List<String> audience, Caller caller) {
        return RouteChoice.of(config.get(), routeNames(audience), caller);
    }

    /** The user may not use a route the application asked for: a page that says so, and no code. */
    private void refuseRoutes(
            RoutingContext ctx, Identity who, String clientId, List<String> closed, Memberships.Resolved held) {
        for (String path : closed) {
            Audit.accessDenied(who.email(), clientId, path, "route", path, "access.users");
        }
        ConsentPage.refused(
                ctx.response(),
                who,
                (closed.size() == 1
                                ? "You may not use the MCP server " + closed.get(0)
                                : "You may not use the MCP servers " + String.join(", ", closed))
                        + ". An administrator can add you to its access.users."
                        + (held.problems().isEmpty()
                                ? ""
                                : " Some memberships could not be checked: " + String.join("; ", held.problems())
                                        + "."));
    }

    /** The route paths an audience covers, for the consent page; empty means every route. */
    private List<String> routeNames(List<String> audience) {
        AuthorizationServerConfig current = config.get();
        Set<String> routes = new LinkedHashSet<>();
        for (String aud : audience) {
            String target = Resources.target(aud, current).orElse(null);
            if (target == null) {
                continue;
            }
            if (target.isEmpty()) {
                return List.of();
            }
            routes.add(target);
        }
        return new ArrayList<>(routes);
    }

    /**
     * The registered redirect URI this request names, exactly; for loopback IP redirects any port is
     * accepted (RFC 8252 §7.3: native apps get an ephemeral port). Without one, the only registered URI.
     */
    static String redirectUri(RegisteredClient client, String requested) {
        if (requested == null) {
            return client.redirectUris().size() == 1 ? client.redirectUris().get(0) : null;
        }
        for (String registered : client.redirectUris()) {
            if (registered.equals(requested) || sameLoopbackIgnoringPort(registered, requested)) {
                return requested;
            }
        }
        return null;
    }

    private static boolean sameLoopbackIgnoringPort(String registered, String requested) {
        try {
            URI a = new URI(registered);
            URI b = new URI(requested);
            return "http".equals(a.getScheme())
                    && "http".equals(b.getScheme())
                    && a.getHost() != null
                    && RegisteredClient.isLoopbackHost(a.getHost())
                    && a.getHost().equals(b.getHost())
                    && a.getRawPath() != null
                    && a.getRawPath().equals(b.getRawPath())
                    && Objects.equals(a.getRawQuery(), b.getRawQuery())
                    && b.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static String displayName(RegisteredClient client) {
        return client.clientName() != null ? client.clientName() : "this application";
    }

    private String issuer() {
        return config.get().oauth().issuer();
    }

    private boolean secureCookies() {
        return issuer().startsWith("https://");
    }

    /** {@code __Host-} needs Secure, which a plain-http loopback issuer cannot have. */
    private String cookieName() {
        return secureCookies() ? "__Host-mcp-front-signin" : "mcp-front-signin";
    }

    /** The browser's binding cookie, set now if it has none. */
    private String browserCookie(RoutingContext ctx) {
        // Kept across sign-ins so that two tabs signing in at once both stay bound to this browser.
        Cookie existing = ctx.request().getCookie(cookieName());
        String value = existing != null && existing.getValue().length() >= 43 ? existing.getValue() : Secrets.random();
        ctx.response()
                .addCookie(Cookie.cookie(cookieName(), value)
                        .setPath("/")
                        .setHttpOnly(true)
                        .setSecure(secureCookies())
                        .setSameSite(CookieSameSite.LAX)
                        .setMaxAge(SIGN_IN_TTL.toSeconds()));
        return value;
    }

    private boolean sameBrowser(RoutingContext ctx, String browser) {
        Cookie cookie = ctx.request().getCookie(cookieName());
        return cookie != null && Secrets.equal(Secrets.hash(cookie.getValue()), browser);
    }
}
