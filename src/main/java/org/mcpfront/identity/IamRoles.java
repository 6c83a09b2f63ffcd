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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.mcpfront.gcp.GoogleCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IAM roles a user holds on {@code oauth.gcp_project}, from the project's IAM policy
 * ({@code projects.getIamPolicy} of Cloud Resource Manager v3), read with mcp-front's own credentials and cached
 * for a short time. A binding counts when it names the user ({@code user:}), one of the user's groups
 * ({@code group:}) or the user's email domain ({@code domain:}). Bindings with a condition grant nothing here:
 * mcp-front does not evaluate IAM conditions (time, resource, request attributes), and a role granted only under
 * one must not admit unconditionally, so it fails closed; each policy read logs the conditional bindings it
 * skipped. {@code allUsers} and {@code allAuthenticatedUsers} count neither: a role held by every Google account
 * admits nobody in particular.
 */
public final class IamRoles {

    private static final Logger log = LoggerFactory.getLogger(IamRoles.class);
    public static final String DEFAULT_RESOURCE_MANAGER_URL = "https://cloudresourcemanager.googleapis.com";
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform.read-only";
    private static final int TIMEOUT_MS = 10_000;

    private final WebClient web;
    private final GoogleCredentials credentials;
    private final String project;
    private final String policyUrl;
    private final Duration ttl;
    private final Clock clock;
    private final AtomicReference<Cached> policy = new AtomicReference<>();

    private record Binding(String role, Set<String> members) {}

    private record Cached(Future<List<Binding>> bindings, Instant fetchedAt) {}

    public IamRoles(
            Vertx vertx,
            GoogleCredentials credentials,
            String project,
            String resourceManagerUrl,
            Duration ttl,
            Clock clock) {
        this.web = WebClient.create(
                vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS).setFollowRedirects(false));
        this.credentials = credentials;
        this.project = project;
        String base = resourceManagerUrl.endsWith("/")
                ? resourceManagerUrl.substring(0, resourceManagerUrl.length() - 1)
                : resourceManagerUrl;
        this.policyUrl = base + "/v3/projects/" + URLEncoder.encode(project, StandardCharsets.UTF_8) + ":getIamPolicy";
        this.ttl = ttl;
        this.clock = clock;
    }

    public String project() {
        return project;
    }

    /** The roles ({@code roles/viewer}, {@code projects/p/roles/custom}) that {@code email} holds, sorted. */
    public Future<Set<String>> rolesOf(String email, Collection<String> groupEmails) {
        String user = email.toLowerCase(Locale.ROOT);
        Set<String> members = new HashSet<>();
        members.add("user:" + user);
        members.add("domain:" + user.substring(user.lastIndexOf('@') + 1));
        for (String group : groupEmails) {
            members.add("group:" + group.toLowerCase(Locale.ROOT));
        }
        return bindings().map(bindings -> {
            Set<String> roles = new TreeSet<>();
            for (Binding binding : bindings) {
                if (binding.members().stream().anyMatch(members::contains)) {
                    roles.add(binding.role());
                }
            }
            return roles;
        });
    }

    private Future<List<Binding>> bindings() {
        while (true) {
            Cached current = policy.get();
            if (current != null
                    && !current.bindings().failed()
                    && (!current.bindings().isComplete()
                            || clock.instant().isBefore(current.fetchedAt().plus(ttl)))) {
                return current.bindings();
            }
            Promise<List<Binding>> next = Promise.promise();
            if (policy.compareAndSet(current, new Cached(next.future(), clock.instant()))) {
                fetch().onComplete(next);
                return next.future();
            }
        }
    }

    private Future<List<Binding>> fetch() {
        JsonObject body = new JsonObject().put("options", new JsonObject().put("requestedPolicyVersion", 3));
        return credentials
                .accessToken(SCOPE)
                .compose(token -> web.postAbs(policyUrl)
                        .bearerTokenAuthentication(token)
                        .timeout(TIMEOUT_MS)
                        .sendJsonObject(body)
                        .recover(e -> Future.failedFuture(
                                "Cloud Resource Manager cannot be reached (" + e.getMessage() + ")")))
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("Cloud Resource Manager answered HTTP " + response.statusCode()
                                + " to getIamPolicy of project " + project + " (does " + credentials.source()
                                + " hold resourcemanager.projects.getIamPolicy on it?)");
                    }
                    try {
                        JsonObject policy = response.bodyAsJsonObject();
                        skippedConditions(policy);
                        return Future.succeededFuture(parse(policy));
                    } catch (DecodeException | ClassCastException e) {
                        return Future.failedFuture("the IAM policy of project " + project + " could not be read");
                    }
                })
                .onSuccess(bindings -> log.atInfo()
                        .addKeyValue("project", project)
                        .addKeyValue("bindings", bindings.size())
                        .log("read the project's IAM policy"))
                .onFailure(e -> log.atWarn()
                        .addKeyValue("project", project)
                        .addKeyValue("reason", e.getMessage())
                        .log("reading the project's IAM policy failed"));
    }

    /** Says which roles were granted only under a condition, and so not at all as far as mcp-front goes. */
    private void skippedConditions(JsonObject policy) {
        JsonArray bindings = policy == null ? null : policy.getJsonArray("bindings");
        if (bindings == null) {
            return;
        }
        List<String> conditional = bindings.stream()
                .filter(JsonObject.class::isInstance)
                .map(JsonObject.class::cast)
                .filter(b -> b.getValue("condition") != null)
                .map(b -> b.getString("role"))
                .distinct()
                .toList();
        if (!conditional.isEmpty()) {
            log.atWarn()
                    .addKeyValue("project", project)
                    .addKeyValue("roles", String.join(",", conditional))
                    .log("IAM bindings with a condition are not evaluated and grant nothing here; grant these roles"
                            + " without a condition to admit by them");
        }
    }

    private static List<Binding> parse(JsonObject policy) {
        JsonArray bindings = policy == null ? null : policy.getJsonArray("bindings");
        if (bindings == null) {
            return List.of();
        }
        return bindings.stream()
                .filter(JsonObject.class::isInstance)
                .map(JsonObject.class::cast)
                .filter(b -> b.getString("role") != null && b.getValue("condition") == null)
                .map(b -> new Binding(b.getString("role"), members(b.getJsonArray("members", new JsonArray()))))
                .toList();
    }

    private static Set<String> members(JsonArray members) {
        Set<String> lower = new HashSet<>();
        for (Object member : members) {
            if (member instanceof String text) {
                lower.add(text.toLowerCase(Locale.ROOT));
            }
        }
        return lower;
    }
}
