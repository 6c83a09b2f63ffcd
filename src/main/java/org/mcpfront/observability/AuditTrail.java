package org.mcpfront.observability;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the status page shows of the audit log, kept in memory by this process: the last refusals
 * (sign-ins, tokens, MCP requests), newest first, at most {@link #MAX_REFUSALS}; and who was active in
 * the last hour (signed in, or called a tool) with the routes they used, at most {@link #MAX_USERS}.
 * Bounded whatever the traffic, and holding only what the audit lines themselves hold (never a token).
 * Each instance keeps its own; the status page gathers every member's.
 */
public final class AuditTrail {

    static final int MAX_REFUSALS = 50;
    static final int MAX_USERS = 500;
    static final Duration ACTIVE_WINDOW = Duration.ofHours(1);
    /** A sign-in whose token is good for every route (requested without {@code resource}). */
    public static final String EVERY_ROUTE = "*";

    private static final AuditTrail PROCESS = new AuditTrail(Clock.systemUTC());

    private final Clock clock;
    private final Deque<JsonObject> refusals = new ArrayDeque<>();
    /** User → last seen and routes used; access order, so the least recently active is dropped first. */
    private final LinkedHashMap<String, Activity> users = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Activity {
        private Instant lastSeen;
        private final Map<String, Instant> routes = new LinkedHashMap<>();
    }

    AuditTrail(Clock clock) {
        this.clock = clock;
    }

    /** This process's trail, fed by {@link Audit}. */
    public static AuditTrail process() {
        return PROCESS;
    }

    synchronized void refused(String event, String user, String clientId, String route, String reason) {
        JsonObject refusal =
                new JsonObject().put("at", clock.instant().toString()).put("event", event);
        putIfPresent(refusal, "user", user);
        putIfPresent(refusal, "client_id", clientId);
        putIfPresent(refusal, "route", route);
        putIfPresent(refusal, "reason", reason);
        refusals.addFirst(refusal);
        while (refusals.size() > MAX_REFUSALS) {
            refusals.removeLast();
        }
    }

    /**
     * {@code user} was active (signed in, or called a tool) on {@code route}; a null route for a sign-in to the whole
     * gateway.
     */
    synchronized void active(String user, String route) {
        if (user == null) {
            return;
        }
        Instant now = clock.instant();
        Activity activity = users.computeIfAbsent(user, u -> new Activity());
        activity.lastSeen = now;
        if (route != null) {
            activity.routes.put(route, now);
        }
        Iterator<Activity> oldest = users.values().iterator();
        while (users.size() > MAX_USERS && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** {@code user} signed in for {@code routes} (paths); empty: for every route, listed as {@value #EVERY_ROUTE}. */
    synchronized void signedIn(String user, List<String> routes) {
        if (routes.isEmpty()) {
            active(user, EVERY_ROUTE);
        }
        for (String route : routes) {
            active(user, route);
        }
    }

    /** The last refusals, newest first. */
    public synchronized JsonArray refusals() {
        JsonArray out = new JsonArray();
        refusals.forEach(r -> out.add(r.copy()));
        return out;
    }

    /** The users active in the last hour: {@code [{user, last_seen, routes: [...]}]}, most recent first. */
    public synchronized JsonArray activeUsers() {
        Instant since = clock.instant().minus(ACTIVE_WINDOW);
        JsonArray out = new JsonArray();
        users.entrySet().removeIf(e -> e.getValue().lastSeen.isBefore(since));
        users.forEach((user, activity) -> {
            TreeSet<String> routes = new TreeSet<>();
            activity.routes.forEach((route, at) -> {
                if (!at.isBefore(since)) {
                    routes.add(route);
                }
            });
            out.add(new JsonObject()
                    .put("user", user)
                    .put("last_seen", activity.lastSeen.toString())
                    .put("routes", new JsonArray(routes.stream().toList())));
        });
        // Access order lists the least recent first.
        JsonArray newestFirst = new JsonArray();
        for (int i = out.size() - 1; i >= 0; i--) {
            newestFirst.add(out.getValue(i));
        }
        return newestFirst;
    }

    private static void putIfPresent(JsonObject json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
