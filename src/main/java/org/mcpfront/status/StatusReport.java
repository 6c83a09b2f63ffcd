package org.mcpfront.status;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.RouteConfig;

/**
 * The status report ({@code /status.json}, and what {@code /status} renders) from the configuration and
 * every member's answer: each route with its type, era, backend, limits, health and last error, its
 * open sessions and requests of the last minute summed over the members; the members and the sessions
 * each holds; the users active in the last hour with their routes; the last refusals.
 *
 * <p>A backend URL is shown without user info or query, which may carry credentials; a stdio command by
 * its program alone, since its arguments may too. Route headers and environment are never shown.
 */
final class StatusReport {

    static final int MAX_REFUSALS = 50;

    private StatusReport() {}

    static JsonObject assemble(
            FrontConfig config, String self, List<JsonObject> members, Map<String, String> eras, Instant now) {
        JsonObject me = members.stream()
                .filter(m -> self.equals(m.getString("node")))
                .findFirst()
                .orElse(new JsonObject());
        JsonArray routes = new JsonArray();
        for (RouteConfig route : config.routes()) {
            routes.add(route(route, me, members, eras.getOrDefault(route.path(), "unknown")));
        }
        return new JsonObject()
                .put("generated_at", now.toString())
                .put("instance", self)
                .put("routes", routes)
                .put("members", members(self, members))
                .put("users", users(members))
                .put("refusals", refusals(members));
    }

    private static JsonObject route(RouteConfig route, JsonObject me, List<JsonObject> members, String era) {
        String path = route.path();
        int sessions = 0;
        long requests = 0;
        for (JsonObject member : members) {
            sessions += supervisorRoute(member, path).getInteger("sessions", 0);
            requests += member.getJsonObject("requests_last_minute", new JsonObject())
                    .getLong(path, 0L);
        }
        JsonObject json = new JsonObject()
                .put("path", path)
                .put("type", route.type().name().toLowerCase())
                .put("era", era)
                .put("backend", backend(route))
                .put(
                        "limits",
                        new JsonObject()
                                .put("max_sessions", route.sessions().max())
                                .put("max_sessions_per_user", route.sessions().maxPerUser()))
                .put("sessions", sessions)
                .put("requests_last_minute", requests);
        json.put("health", health(route, me));
        return json;
    }

    /**
     * An HTTP route's health is what this member's probes found; a stdio route's is whether its
     * processes start (the supervisor's back-off).
     */
    private static JsonObject health(RouteConfig route, JsonObject me) {
        JsonObject supervisor = supervisorRoute(me, route.path());
        if (route.type() == RouteConfig.RouteType.HTTP) {
            JsonObject probed = me.getJsonObject("backends", new JsonObject()).getJsonObject(route.path());
            return probed == null ? new JsonObject().put("state", "not probed") : probed.copy();
        }
        JsonObject health = new JsonObject();
        int failures = supervisor.getInteger("consecutive_start_failures", 0);
        health.put("state", failures > 0 ? "down" : "up");
        if (supervisor.containsKey("last_start_failure")) {
            health.put(
                    "last_error",
                    new JsonObject()
                            .put("kind", "start")
                            .put("reason", supervisor.getString("last_start_failure"))
                            .put("at", supervisor.getString("last_start_failure_at")));
        }
        if (supervisor.containsKey("retry_in_ms")) {
            health.put("retry_in_ms", supervisor.getLong("retry_in_ms"));
        }
        return health;
    }

    private static JsonObject supervisorRoute(JsonObject member, String path) {
        return member.getJsonObject("supervisor", new JsonObject())
                .getJsonObject("routes", new JsonObject())
                .getJsonObject(path, new JsonObject());
    }

    static String backend(RouteConfig route) {
        if (route.type() == RouteConfig.RouteType.STDIO) {
            return route.stdio().orElseThrow().command().isEmpty()
                    ? ""
                    : route.stdio().orElseThrow().command().get(0);
        }
        return route.http()
                .map(h -> withoutSecrets(h.url()))
                .or(() -> route.aggregate().map(a -> String.join(" ", a.paths())))
                .orElse("");
    }

    private static String withoutSecrets(URI uri) {
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme() + "://" + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static JsonArray members(String self, List<JsonObject> members) {
        JsonArray out = new JsonArray();
        for (JsonObject member : members) {
            JsonObject json = new JsonObject()
                    .put("node", member.getString("node"))
                    .put("self", self.equals(member.getString("node")));
            if (member.containsKey("unreachable")) {
                out.add(json.put("reachable", false).put("reason", member.getString("unreachable")));
                continue;
            }
            JsonObject supervisor = member.getJsonObject("supervisor", new JsonObject());
            JsonObject perRoute = new JsonObject();
            supervisor.getJsonObject("routes", new JsonObject()).forEach(e -> {
                int sessions = ((JsonObject) e.getValue()).getInteger("sessions", 0);
                if (sessions > 0) {
                    perRoute.put(e.getKey(), sessions);
                }
            });
            out.add(json.put("reachable", true)
                    .put("sessions", supervisor.getInteger("sessions", 0))
                    .put("max_sessions", supervisor.getInteger("max_sessions", 0))
                    .put("routes", perRoute));
        }
        return out;
    }

    /** Every member's active users merged: the latest sighting and every route. */
    private static JsonArray users(List<JsonObject> members) {
        Map<String, String> lastSeen = new TreeMap<>();
        Map<String, TreeSet<String>> routes = new TreeMap<>();
        for (JsonObject member : members) {
            for (Object item : member.getJsonArray("active_users", new JsonArray())) {
                JsonObject user = (JsonObject) item;
                String email = user.getString("user");
                String seen = user.getString("last_seen");
                lastSeen.merge(email, seen, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                TreeSet<String> used = routes.computeIfAbsent(email, u -> new TreeSet<>());
                user.getJsonArray("routes", new JsonArray()).forEach(r -> used.add(String.valueOf(r)));
            }
        }
        List<JsonObject> out = new ArrayList<>();
        lastSeen.forEach((email, seen) -> out.add(new JsonObject()
                .put("user", email)
                .put("last_seen", seen)
                .put("routes", new JsonArray(List.copyOf(routes.get(email))))));
        out.sort(
                Comparator.comparing((JsonObject u) -> u.getString("last_seen")).reversed());
        return new JsonArray(new ArrayList<>(out));
    }

    /** Every member's last refusals, newest first, at most {@link #MAX_REFUSALS}. */
    private static JsonArray refusals(List<JsonObject> members) {
        List<JsonObject> all = new ArrayList<>();
        for (JsonObject member : members) {
            for (Object item : member.getJsonArray("refusals", new JsonArray())) {
                all.add(((JsonObject) item).copy().put("node", member.getString("node")));
            }
        }
        all.sort(Comparator.comparing((JsonObject r) -> r.getString("at")).reversed());
        return new JsonArray(new ArrayList<>(all.subList(0, Math.min(MAX_REFUSALS, all.size()))));
    }
}
