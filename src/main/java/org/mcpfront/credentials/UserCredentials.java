package org.mcpfront.credentials;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.mcpfront.config.ReservedPaths;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.RouteCredential;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.observability.Audit;
import org.mcpfront.observability.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each user's own credentials at the services behind routes ({@code routes[].credential}): what a request of that
 * user to that route carries, refreshed with the service's refresh token shortly before it expires; stored when the
 * user connects, removed when they disconnect or their grant is revoked. Every step leaves an audit line (never the
 * token) and counts in {@code mcp_front_credentials_total}.
 *
 * <p>A refresh happens on use, once per user and route at a time in this process; instances of a cluster that
 * refresh at the same moment race at the service, and the loser, refused because the winner rotated the refresh
 * token, reads what the winner stored.
 */
public final class UserCredentials {

    private static final Logger log = LoggerFactory.getLogger(UserCredentials.class);
    /** Refreshed this long before expiry: a request that takes the token now still has it valid at the backend. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
    /** Use is audited once per token and instance; this many tokens are remembered. */
    private static final int AUDITED_USES = 10_000;

    private final CredentialStore store;
    private final ServiceClient service;
    private final Supplier<String> issuer;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Map<String, Future<Optional<ServiceCredential>>> refreshing = new ConcurrentHashMap<>();
    private final Map<String, Boolean> audited = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > AUDITED_USES;
        }
    };

    public UserCredentials(
            Vertx vertx, CredentialStore store, Supplier<String> issuer, GatewayMetrics metrics, Clock clock) {
        this.store = store;
        this.service = new ServiceClient(vertx, clock);
        this.issuer = issuer;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The connections page: where a user connects their accounts. */
    public String connectUrl() {
        return issuer.get() + ReservedPaths.CONNECTIONS;
    }

    ServiceClient service() {
        return service;
    }

    /**
     * The token a request of {@code subject} to {@code route} carries, refreshed first when it is about to
     * expire; fails with {@link CredentialRequired} when the user has none (or it could not be refreshed and has
     * expired).
     */
    public Future<String> token(RouteConfig route, String subject, String email) {
        return usable(route, subject, email).map(credential -> {
            auditUse(route.path(), subject, email, credential.accessToken());
            return credential.accessToken();
        });
    }

    /**
     * Succeeds when a request of {@code subject} to {@code route} can carry their credential (refreshing it first
     * when it is about to expire); fails with {@link CredentialRequired} when not. For the edge, before a request
     * goes anywhere.
     */
    public Future<Void> check(RouteConfig route, String subject, String email) {
        return usable(route, subject, email).mapEmpty();
    }

    private Future<ServiceCredential> usable(RouteConfig route, String subject, String email) {
        if (route.credential().isEmpty()) {
            return Future.failedFuture(new IllegalStateException(route.path() + " declares no credential"));
        }
        return store.get(subject, route.path())
                .compose(found -> {
                    if (found.isEmpty()) {
                        return Future.succeededFuture(Optional.<ServiceCredential>empty());
                    }
                    ServiceCredential credential = found.get();
                    if (route.credential().get() instanceof RouteCredential.OAuth oauth
                            && credential.refreshToken().isPresent()
                            && credential.expiresWithin(REFRESH_MARGIN, clock.instant())) {
                        return refreshOnce(route, oauth, subject, email, credential);
                    }
                    return Future.succeededFuture(found);
                })
                .compose(usable -> {
                    if (usable.isEmpty() || usable.get().expiresWithin(Duration.ZERO, clock.instant())) {
                        metrics.credential(route.path(), "missing");
                        return Future.failedFuture(new CredentialRequired(route.path(), connectUrl()));
                    }
                    return Future.succeededFuture(usable.get());
                });
    }

    /** What is stored for the user on {@code route}, for the connections page. */
    Future<Optional<ServiceCredential>> stored(String subject, String route) {
        return store.get(subject, route);
    }

    /** The user connected {@code route} (OAuth or a pasted token). */
    Future<Void> connect(String route, String subject, String email, ServiceCredential credential, String how) {
        return store.put(subject, route, credential).onSuccess(v -> {
            metrics.credential(route, "connected");
            Audit.credential("credential_connected", "connected an account at the service", email, route, how);
        });
    }

    /** The user disconnected {@code route}. */
    Future<Void> disconnect(String route, String subject, String email) {
        return store.delete(subject, route).onSuccess(v -> {
            metrics.credential(route, "disconnected");
            Audit.credential(
                    "credential_disconnected", "disconnected the account at the service", email, route, "user");
        });
    }

    /** The user's grant was revoked: their credentials at every route go with it. */
    public Future<Void> revoked(String subject, Collection<RouteConfig> routes) {
        Future<Void> chain = Future.succeededFuture();
        for (RouteConfig route : routes) {
            if (route.credential().isPresent()) {
                chain = chain.compose(v -> store.get(subject, route.path()))
                        .compose(found -> found.isEmpty()
                                ? Future.succeededFuture()
                                : store.delete(subject, route.path()).onSuccess(v -> {
                                    metrics.credential(route.path(), "disconnected");
                                    Audit.credential(
                                            "credential_disconnected",
                                            "removed the account at the service with the revoked grant",
                                            null,
                                            route.path(),
                                            "grant_revoked");
                                }));
            }
        }
        return chain;
    }

    private Future<Optional<ServiceCredential>> refreshOnce(
            RouteConfig route, RouteCredential.OAuth oauth, String subject, String email, ServiceCredential old) {
        String key = CredentialStore.key(subject, route.path());
        Future<Optional<ServiceCredential>> running = refreshing.get(key);
        if (running != null) {
            return running;
        }
        Future<Optional<ServiceCredential>> started = refresh(route, oauth, subject, email, old);
        Future<Optional<ServiceCredential>> raced = refreshing.putIfAbsent(key, started);
        if (raced != null) {
            return raced;
        }
        return started.onComplete(done -> refreshing.remove(key, started));
    }

    private Future<Optional<ServiceCredential>> refresh(
            RouteConfig route, RouteCredential.OAuth oauth, String subject, String email, ServiceCredential old) {
        return service.refresh(oauth, old)
                .compose(fresh -> store.put(subject, route.path(), fresh).map(v -> {
                    metrics.credential(route.path(), "refreshed");
                    Audit.credential(
                            "credential_refreshed",
                            "refreshed the account's token at the service",
                            email,
                            route.path(),
                            "expires " + fresh.expiresAt().map(Object::toString).orElse("never"));
                    return Optional.of(fresh);
                }))
                .recover(e -> store.get(subject, route.path()).map(now -> {
                    if (now.isPresent() && !now.get().accessToken().equals(old.accessToken())) {
                        // Another instance refreshed first (and rotated the refresh token we presented).
                        return now;
                    }
                    metrics.credential(route.path(), "refresh_failed");
                    Audit.credential(
                            "credential_refresh_failed",
                            "the service did not refresh the token",
                            email,
                            route.path(),
                            e.getMessage());
                    log.atWarn()
                            .addKeyValue("route", route.path())
                            .addKeyValue("user", email)
                            .addKeyValue("reason", e.getMessage())
                            .log("refresh of a user's service credential failed");
                    if (e instanceof ServiceClient.Refused) {
                        // The service will not refresh it again: the user connects anew.
                        store.delete(subject, route.path());
                        return Optional.<ServiceCredential>empty();
                    }
                    // The service is unreachable: the old token serves until it expires.
                    return Optional.of(old);
                }));
    }

    private void auditUse(String route, String subject, String email, String token) {
        String key = Secrets.hash(subject + "\n" + route + "\n" + token);
        boolean first;
        synchronized (audited) {
            first = audited.put(key, Boolean.TRUE) == null;
        }
        metrics.credential(route, "used");
        if (first) {
            Audit.credential("credential_used", "a request carried the user's credential", email, route, "");
        }
    }
}
