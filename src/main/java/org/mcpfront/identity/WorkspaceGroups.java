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
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.mcpfront.gcp.GoogleCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Google Workspace groups a user belongs to directly, by email address, from the Admin SDK Directory API
 * ({@code groups.list?userKey=}), read by a service account acting as a Workspace administrator (domain-wide
 * delegation) and cached per user.
 */
public final class WorkspaceGroups {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceGroups.class);
    public static final String DEFAULT_DIRECTORY_URL = "https://admin.googleapis.com";
    static final String SCOPE = "https://www.googleapis.com/auth/admin.directory.group.readonly";
    /** Users whose groups are remembered at once; more starts the cache over. */
    static final int MAX_CACHED_USERS = 10_000;

    private static final int MAX_PAGES = 20;
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

    /** The email addresses of the groups {@code email} is a direct member of, lower case and sorted. */
    public Future<Set<String>> groupsOf(String email) {
        String user = email.toLowerCase(Locale.ROOT);
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
