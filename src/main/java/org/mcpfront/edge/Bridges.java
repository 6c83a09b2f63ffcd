package org.mcpfront.edge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which session carries a 2026-07-28 user's requests to a route whose backend needs one (a 2025 backend,
 * or any stdio backend): one per user, OAuth client and route, found through the store, so that every
 * instance of a cluster sends that user's requests to the same session wherever it lives, and the process
 * of a stdio route lives per user and route, not per request. The entry lives as long as the route's idle timeout
 * and is renewed while used; a session that is gone is replaced on the next request.
 */
final class Bridges {

    private static final Logger log = LoggerFactory.getLogger(Bridges.class);

    private final Store store;
    private final SessionClient sessions;
    /** This edge's view, so a request in a busy conversation costs no store round trip. */
    private final Map<String, Entry> known = new HashMap<>();
    /**
     * Store keys already computed, by route object (a reload makes new ones) and then user and client: a key
     * is a SHA-256 over the route's whole settings, too dear for every request.
     */
    private final Map<RouteConfig, Map<String, String>> keys = new IdentityHashMap<>();

    private static final int MAX_CACHED_ROUTES = 64;
    private static final int MAX_CACHED_KEYS = 10_000;

    private static final class Entry {
        final String session;
        long renewedAt;

        Entry(String session, long renewedAt) {
            this.session = session;
            this.renewedAt = renewedAt;
        }
    }

    Bridges(Store store, SessionClient sessions) {
        this.store = store;
        this.sessions = sessions;
    }

    Future<String> sessionFor(RouteConfig route, SessionOwner owner) {
        String key = cachedKey(route, owner);
        long now = System.nanoTime();
        Entry entry = known.get(key);
        if (entry != null) {
            if (now - entry.renewedAt > route.sessions().idleTimeout().toNanos() / 3) {
                entry.renewedAt = now;
                store.put(
                                key,
                                new JsonObject().put("session", entry.session),
                                route.sessions().idleTimeout())
                        .onFailure(e -> log.atWarn()
                                .addKeyValue("route", route.path())
                                .addKeyValue("reason", e.getMessage())
                                .log("could not renew a bridged session's entry in the store"));
            }
            return Future.succeededFuture(entry.session);
        }
        return store.get(key)
                .recover(e -> {
                    log.atWarn()
                            .addKeyValue("route", route.path())
                            .addKeyValue("reason", e.getMessage())
                            .log("the store does not answer; opening a session this instance alone knows");
                    return Future.succeededFuture(null);
                })
                .compose(found -> found != null && found.getString("session") != null
                        ? Future.succeededFuture(found.getString("session"))
                        : open(route, owner, key))
                .onSuccess(session -> known.put(key, new Entry(session, System.nanoTime())));
    }

    /** The session did not answer (it ended): forget it so the next request opens another. */
    void forget(RouteConfig route, SessionOwner owner, String session) {
        String key = cachedKey(route, owner);
        Entry entry = known.get(key);
        if (entry != null && entry.session.equals(session)) {
            known.remove(key);
        }
        store.get(key)
                .compose(found -> found != null && session.equals(found.getString("session"))
                        ? store.delete(key)
                        : Future.succeededFuture());
    }

    private Future<String> open(RouteConfig route, SessionOwner owner, String key) {
        return sessions.open(route, ClientTransport.MODERN, null, owner)
                .compose(session -> store.putIfAbsent(
                                key,
                                new JsonObject().put("session", session),
                                route.sessions().idleTimeout())
                        .recover(e -> Future.succeededFuture(true))
                        .compose(stored -> {
                            if (stored) {
                                return Future.succeededFuture(session);
                            }
                            // Another instance opened one at the same moment: use that, end ours.
                            return store.get(key).map(winner -> {
                                String other = winner == null ? null : winner.getString("session");
                                if (other == null) {
                                    return session;
                                }
                                sessions.close(
                                        session,
                                        owner.binding(route.path()),
                                        "another instance opened this user's session first");
                                return other;
                            });
                        }));
    }

    private String cachedKey(RouteConfig route, SessionOwner owner) {
        Map<String, String> byOwner = keys.get(route);
        if (byOwner == null) {
            if (keys.size() >= MAX_CACHED_ROUTES) {
                keys.clear(); // routes of earlier configurations
            }
            byOwner = new HashMap<>();
            keys.put(route, byOwner);
        }
        String who = owner.subject() + '\u0000' + owner.clientId();
        String key = byOwner.get(who);
        if (key == null) {
            if (byOwner.size() >= MAX_CACHED_KEYS) {
                byOwner.clear();
            }
            key = key(route, owner);
            byOwner.put(who, key);
        }
        return key;
    }

    /**
     * The store key: route (with its settings, so an edited route gets new sessions), user and OAuth client
     * (a session answers only the client that opened it), hashed so that the key says nothing about them.
     */
    private static String key(RouteConfig route, SessionOwner owner) {
        // Not route.hashCode(): enums hash by identity, and every instance of a cluster must agree.
        String settings = route + "\u0000" + new TreeMap<>(route.headers()) + "\u0000"
                + new TreeMap<>(
                        route.stdio().map(RouteConfig.Stdio::environment).orElse(Map.of()));
        return "bridge:" + Secrets.hash(settings + '\u0000' + owner.subject() + '\u0000' + owner.clientId());
    }
}
