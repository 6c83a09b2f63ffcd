package org.mcpfront.identity;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.mcpfront.gcp.GoogleCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Google Workspace groups a user belongs to, directly or through groups that are members of other groups, by
 * email address, from the Admin SDK Directory API ({@code groups.list?userKey=}, which takes a group's address as
 * well as a user's), read by a service account acting as a Workspace administrator (domain-wide delegation). Each
 * lookup (a user's groups, a group's parent groups) is cached by address, so groups many users share are read once
 * per TTL. Nesting is followed {@link #MAX_DEPTH} levels deep and to {@link #MAX_GROUPS} groups in all; beyond that
 * the groups found so far count, and a warning says what was left out.
 */
public final class WorkspaceGroups {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceGroups.class);
    public static final String DEFAULT_DIRECTORY_URL = "https://admin.googleapis.com";
    static final String SCOPE = "https://www.googleapis.com/auth/admin.directory.group.readonly";
    /** Addresses (users and groups) whose groups are remembered at once; more starts the cache over. */
    static final int MAX_CACHED_USERS = 10_000;

    private static final int MAX_PAGES = 20;
    /** Levels of groups within groups followed above a user's own groups. */
    static final int MAX_DEPTH = 5;
    /** Groups one user's lookup may gather, nested ones included. */
    static final int MAX_GROUPS = 500;

    private static final int TIMEOUT_MS = 10_000;

    private final WebClient web;
    private final GoogleCredentials credentials;
    private final String adminEmail;
    private final String groupsUrl;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Future<Set<String>> groups, Instant fetchedAt) {}

    public WorkspaceGroups(
            Vertx vertx,
            GoogleCredentials credentials,
            String adminEmail,
            String directoryUrl,
            Duration ttl,
            Clock clock) {
        this.web = WebClient.create(
                vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS).setFollowRedirects(false));
        this.credentials = credentials;
        this.adminEmail = adminEmail;
        String base = directoryUrl.endsWith("/") ? directoryUrl.substring(0, directoryUrl.length() - 1) : directoryUrl;
        this.groupsUrl = base + "/admin/directory/v1/groups";
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The email addresses of the groups {@code email} is a member of, directly or through nested groups, lower case
     * and sorted.
     */
    public Future<Set<String>> groupsOf(String email) {
        String user = email.toLowerCase(Locale.ROOT);
        return direct(user).compose(groups -> parents(user, new TreeSet<>(groups), groups, 0));
    }

    /** Adds the groups that the groups of {@code level} are members of, level by level, within the bounds. */
    private Future<Set<String>> parents(String user, Set<String> found, Set<String> level, int depth) {
        if (level.isEmpty()) {
            return Future.succeededFuture(found);
        }
        if (depth >= MAX_DEPTH || found.size() >= MAX_GROUPS) {
            log.atWarn()
                    .addKeyValue("user", user)
                    .addKeyValue("groups", found.size())
                    .addKeyValue("depth", depth)
                    .log("nested Workspace groups beyond " + MAX_DEPTH + " levels or " + MAX_GROUPS
                            + " groups are not followed");
            return Future.succeededFuture(found);
        }
        List<Future<Set<String>>> lookups = level.stream().map(this::direct).toList();
        return Future.all(lookups).compose(all -> {
            Set<String> next = new TreeSet<>();
            for (Future<Set<String>> lookup : lookups) {
                for (String group : lookup.result()) {
                    if (found.size() < MAX_GROUPS && found.add(group)) {
                        next.add(group);
                    }
                }
            }
            return parents(user, found, next, depth + 1);
        });
    }

    /** The groups {@code user} (a user's or a group's address) is a direct member of, cached. */
    private Future<Set<String>> direct(String user) {
        while (true) {
            Cached current = cache.get(user);
            if (current != null
                    && !current.groups().failed()
                    && (!current.groups().isComplete()
                            || clock.instant().isBefore(current.fetchedAt().plus(ttl)))) {
                return current.groups();
            }
            if (current == null && cache.size() >= MAX_CACHED_USERS) {
                cache.clear();
            }
            Promise<Set<String>> next = Promise.promise();
            Cached claim = new Cached(next.future(), clock.instant());
            boolean claimed =
                    current == null ? cache.putIfAbsent(user, claim) == null : cache.replace(user, current, claim);
            if (claimed) {
                credentials
                        .delegatedAccessToken(SCOPE, adminEmail)
                        .compose(token -> page(user, token, null, new TreeSet<>(), 0))
                        .onFailure(e -> log.atWarn()
                                .addKeyValue("user", user)
                                .addKeyValue("reason", e.getMessage())
                                .log("looking up the user's Workspace groups failed"))
                        .onComplete(next);
                return next.future();
            }
        }
    }

    private Future<Set<String>> page(String user, String token, String pageToken, Set<String> found, int pages) {
        String url = groupsUrl + "?maxResults=200&userKey=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
        return web.getAbs(url)
                .bearerTokenAuthentication(token)
                .timeout(TIMEOUT_MS)
                .send()
                .recover(e -> Future.failedFuture("the Directory API cannot be reached (" + e.getMessage() + ")"))
                .compose(response -> {
                    if (response.statusCode() == 404) {
                        // Not a user of the Workspace (an outside address): no groups.
                        return Future.succeededFuture(found);
                    }
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("the Directory API answered HTTP " + response.statusCode()
                                + " for the groups of " + user + " (is domain-wide delegation granted for " + SCOPE
                                + " and is " + adminEmail + " a Workspace administrator?)");
                    }
                    JsonObject body;
                    try {
                        body = response.bodyAsJsonObject();
                    } catch (DecodeException e) {
                        return Future.failedFuture("the Directory API's answer is not JSON");
                    }
                    for (Object group : body == null ? new JsonArray() : body.getJsonArray("groups", new JsonArray())) {
                        if (group instanceof JsonObject g && g.getString("email") != null) {
                            found.add(g.getString("email").toLowerCase(Locale.ROOT));
                        }
                    }
                    String next = body == null ? null : body.getString("nextPageToken");
                    if (next == null || next.isEmpty() || pages + 1 >= MAX_PAGES) {
                        return Future.succeededFuture(found);
                    }
                    return page(user, token, next, found, pages + 1);
                });
    }
}
