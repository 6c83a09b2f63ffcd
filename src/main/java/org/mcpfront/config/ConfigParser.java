package org.mcpfront.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.mcpfront.access.RouteAccess;
import org.mcpfront.config.OAuthConfig.GoogleConfig;
import org.mcpfront.config.OAuthConfig.IdentityKind;
import org.mcpfront.config.OAuthConfig.StorageKind;
import org.mcpfront.config.RouteConfig.Aggregate;
import org.mcpfront.config.RouteConfig.Backend;
import org.mcpfront.config.RouteConfig.BackendProtocol;
import org.mcpfront.config.RouteConfig.BackendTransport;
import org.mcpfront.config.RouteConfig.Http;
import org.mcpfront.config.RouteConfig.OnProcessLoss;
import org.mcpfront.config.RouteConfig.RouteType;
import org.mcpfront.config.RouteConfig.SessionLimits;
import org.mcpfront.config.RouteConfig.Stdio;
import org.mcpfront.net.AddressRange;

/**
 * Turns the raw config (see {@link ConfigFiles}) into a validated {@link FrontConfig}.
 * <p>
 * Every string value is expanded from the environment first ({@code ${VAR}}, {@code ${VAR:-default}},
 * {@code $${} for a literal {@code ${}), so numbers, durations and flags may come from variables too.
 * Unknown keys and bad values are rejected, and all problems are reported at once, each naming its key
 * path: {@code routes[1].timeout: "5x" is not a duration (use 30s, 5m, 1h or plain seconds)}. Header and
 * environment values are never quoted in a problem: they usually hold secrets.
 */
public final class ConfigParser {

    private static final List<String> ROOT_KEYS =
            List.of("oauth", "routes", "server", "cluster", "observability", "groups", "credentials");
    private static final List<String> OAUTH_KEYS = List.of(
            "issuer",
            "gcp_project",
            "allowed_domains",
            "allowed_emails",
            "admins",
            "token_ttl",
            "refresh_token_ttl",
            "refresh_grace",
            "storage",
            "redis_url",
            "signing_key_file",
            "identity",
            "google",
            "unused_client_ttl",
            "limits",
            "oidc",
            "gcp");
    private static final List<String> LIMITS_KEYS =
            List.of("registrations_per_address", "registrations", "authorizations_per_address", "memory_storage");
    private static final List<String> GOOGLE_KEYS = List.of("client_id", "client_secret", "issuer");
    private static final List<String> ROUTE_KEYS = List.of(
            "path",
            "type",
            "backend",
            "transport",
            "headers",
            "command",
            "environment",
            "timeout",
            "request_timeout",
            "max_sessions",
            "max_sessions_per_user",
            "protocol",
            "health_check",
            "access",
            "identity",
            "on_process_loss",
            "warm",
            "host",
            "members",
            "credential");
    private static final List<String> SERVER_KEYS = List.of(
            "host",
            "port",
            "health_path",
            "max_body_size",
            "sse_keepalive",
            "allowed_origins",
            "max_sessions",
            "slow_client_timeout",
            "idle_timeout",
            "read_timeout",
            "trusted_proxies",
            "trusted_proxy_header",
            "stream_max_duration");
    private static final List<String> CLUSTER_KEYS = List.of("enabled", "hazelcast_config", "event_bus_port");

    private static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
    private static final Duration DEFAULT_REFRESH_TOKEN_TTL = Duration.ofDays(30);
    /** Long enough for a client to retry a refresh whose answer it lost, short enough to leave a thief little time. */
    private static final Duration DEFAULT_REFRESH_GRACE = Duration.ofSeconds(60);
    /** A registration that no sign-in completed within a day was probably never meant to be used. */
    private static final Duration DEFAULT_UNUSED_CLIENT_TTL = Duration.ofDays(1);
    /**
     * What anyone may do before signing in, per client address: a person registers a client or two and
     * signs in a few times; a client retrying in a loop or a flood gets 429 long before memory matters.
     */
    private static final RateLimit DEFAULT_REGISTRATIONS_PER_ADDRESS = new RateLimit(20, Duration.ofHours(1));

    private static final RateLimit DEFAULT_REGISTRATIONS = new RateLimit(200, Duration.ofHours(1));
    private static final RateLimit DEFAULT_AUTHORIZATIONS_PER_ADDRESS = new RateLimit(60, Duration.ofMinutes(1));
    private static final long DEFAULT_MEMORY_STORAGE_BYTES = 64L * 1024 * 1024;
    private static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    private static final String DEFAULT_GOOGLE_ISSUER = "https://accounts.google.com";
    /**
     * Idle timeouts. An HTTP session costs a few KB, and some clients (Claude among them) do not
     * re-initialize after a 404, so HTTP sessions may idle long; a stdio session holds a process.
     */
    private static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = Duration.ofMinutes(30);

    private static final Duration DEFAULT_STDIO_IDLE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    /** Each stdio session is a process (often a container): a few dozen per route fit a small VM. */
    private static final int DEFAULT_STDIO_MAX_SESSIONS = 20;

    private static final int DEFAULT_HTTP_MAX_SESSIONS = 500;
    private static final int DEFAULT_SERVER_MAX_SESSIONS = 1000;
    /** How long a client's stream may refuse data before it is cut: a stalled reader must not cost unbounded memory. */
    private static final Duration DEFAULT_SLOW_CLIENT_TIMEOUT = Duration.ofSeconds(60);

    private static final String DEFAULT_HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = 8080;
    private static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
    private static final Duration DEFAULT_SSE_KEEPALIVE = Duration.ofSeconds(20);
    /**
     * Connections: an idle one may wait this long for its next request (SSE streams send keep-alives
     * and are never idle this long); a request's head and body must arrive within the read timeout.
     */
    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** What load balancers and reverse proxies (GCE's, nginx) append the client's address to. */
    private static final String DEFAULT_TRUSTED_PROXY_HEADER = "X-Forwarded-For";

    /** A DNS name: labels of letters, digits and inner hyphens, with at least one dot. */
    private static final Pattern HOST_NAME =
            Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+");

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String ROUTE_EXAMPLE = "{ path: /notion, type: http, backend: \"http://127.0.0.1:3001/mcp\" }";
    private static final String COMMAND_EXAMPLE = "[\"docker\", \"run\", \"--rm\", \"-i\", \"mcp/postgres\"]";

    private ConfigParser() {}

    /**
     * Validates {@code raw} and expands its variables from {@code env}.
     *
     * @throws ConfigException listing every problem found, each starting with its key path
     */
    public static FrontConfig parse(JsonObject raw, Map<String, String> env) throws ConfigException {
        Problems problems = new Problems();
        Section root = new Section("", raw, env, problems);
        root.allowOnly(ROOT_KEYS);
        if (!root.has("oauth")) {
            root.problem("oauth", "is required (at least issuer and allowed_domains)");
        }
        Map<String, List<String>> groups = AccessSections.groups(root);
        OAuthConfig oauth =
                root.section("oauth").map(s -> oauth(s, groups.keySet())).orElse(null);
        ServerConfig server = server(root.sectionOrEmpty("server"));
        List<RouteConfig> routes =
                routes(root, server.healthPath(), groups.keySet(), oauth == null ? null : oauth.issuer());
        ClusterConfig cluster = cluster(root.sectionOrEmpty("cluster"));
        boolean dev = oauth != null && oauth.identity() == IdentityKind.DEV && problems.clean("oauth.identity");
        if (dev && problems.clean("server.host") && !ConfigValues.loopbackHost(server.host())) {
            problems.add(
                    "oauth.identity",
                    "dev sign-in is for local use only (anyone who reaches the port could sign "
                            + "in as anyone): it needs server.host on loopback (127.0.0.1, ::1 or localhost), not "
                            + Problems.quote(server.host()) + "; use identity: google for a gateway others can reach");
        }
        boolean memory = oauth != null && oauth.storage() == StorageKind.MEMORY && problems.clean("oauth.storage");
        if (cluster.enabled() && memory) {
            problems.add(
                    "cluster.enabled",
                    "a cluster needs oauth.storage: redis; with memory storage each "
                            + "instance would keep its own clients, codes and tokens, and requests landing on another "
                            + "instance would fail");
        }
        ObservabilityConfig observability = ObservabilityConfig.parse(root.sectionOrEmpty("observability"));
        CredentialsConfig credentials = CredentialSections.root(
                root,
                routes.stream()
                        .filter(r -> r.credential().isPresent())
                        .map(RouteConfig::path)
                        .toList());
        problems.throwIfAny();
        return new FrontConfig(oauth, routes, server, cluster, observability, groups, credentials);
    }

    private static OAuthConfig oauth(Section s, Set<String> groups) {
        s.allowOnly(OAUTH_KEYS);
        String issuer = s.required(
                        "issuer",
                        "the public base URL of mcp-front, e.g. https://mcp.example.com",
                        ConfigValues::issuer)
                .orElse(null);
        List<String> domains = s.list("allowed_domains", "[\"example.com\"]", ConfigValues::domain)
                .orElse(List.of());
        List<String> emails = s.list(
                        "allowed_emails",
                        "[\"someone@example.com\", \"group:eng@example.com\", \"iam:roles/viewer\"]",
                        v -> IdentitySections.allowedPrincipal(v, ConfigValues::email))
                .orElse(List.of());
        if (domains.isEmpty() && emails.isEmpty() && s.clean("allowed_domains") && s.clean("allowed_emails")) {
            s.problem(
                    "allowed_domains",
                    "is empty and so is oauth.allowed_emails, so nobody could sign in: "
                            + "list your Google Workspace domain or some email addresses");
        }
        IdentityKind identity = s.value("identity", v -> ConfigValues.oneOf(v, IdentityKind.class))
                .orElse(IdentityKind.GOOGLE);
        boolean googleNeeded = identity == IdentityKind.GOOGLE && s.clean("identity");
        if (googleNeeded && !s.has("google")) {
            s.problem(
                    "google",
                    "is required when oauth.identity is google: set client_id and client_secret of an "
                            + "OAuth client from the Google Cloud console (or use identity: dev on a local machine)");
        }
        Optional<GoogleConfig> google = s.section("google").map(g -> google(g, googleNeeded));
        Optional<OidcConfig> oidc =
                IdentitySections.oidc(s, identity == IdentityKind.OIDC && s.clean("identity"), ConfigValues::httpUrl);
        String gcpProject = s.string("gcp_project").orElse("");
        IdentitySections.checkIamProject(s, emails, gcpProject);
        if (identity == IdentityKind.DEV && s.clean("identity") && issuer != null && !ConfigValues.local(issuer)) {
            s.problem(
                    "identity",
                    "dev sign-in is for local use only (anyone could sign in as anyone): it needs "
                            + "oauth.issuer on http://localhost or http://127.0.0.1, not " + Problems.quote(issuer));
        }
        return new OAuthConfig(
                issuer,
                gcpProject,
                domains,
                emails,
                AccessSections.principals(s, "admins", groups).orElse(List.of()),
                s.value("token_ttl", ConfigValues::positiveDuration).orElse(DEFAULT_TOKEN_TTL),
                s.value("refresh_token_ttl", ConfigValues::positiveDuration).orElse(DEFAULT_REFRESH_TOKEN_TTL),
                s.value("refresh_grace", ConfigValues::refreshGrace).orElse(DEFAULT_REFRESH_GRACE),
                s.value("storage", v -> ConfigValues.oneOf(v, StorageKind.class))
                        .orElse(StorageKind.MEMORY),
                s.value("redis_url", ConfigValues::redisUrl).orElse(DEFAULT_REDIS_URL),
                s.string("signing_key_file").filter(file -> !file.isEmpty()),
                identity,
                google,
                s.value("unused_client_ttl", ConfigValues::positiveDuration).orElse(DEFAULT_UNUSED_CLIENT_TTL),
                limits(s.sectionOrEmpty("limits")),
                oidc,
                IdentitySections.gcp(s, ConfigValues::httpUrl, ConfigValues::positiveDuration));
    }

    private static OAuthLimits limits(Section s) {
        s.allowOnly(LIMITS_KEYS);
        return new OAuthLimits(
                s.value("registrations_per_address", ConfigValues::rateLimit).orElse(DEFAULT_REGISTRATIONS_PER_ADDRESS),
                s.value("registrations", ConfigValues::rateLimit).orElse(DEFAULT_REGISTRATIONS),
                s.value("authorizations_per_address", ConfigValues::rateLimit)
                        .orElse(DEFAULT_AUTHORIZATIONS_PER_ADDRESS),
                s.value("memory_storage", ConfigValues::positiveSize).orElse(DEFAULT_MEMORY_STORAGE_BYTES));
    }

    private static GoogleConfig google(Section g, boolean needed) {
        g.allowOnly(GOOGLE_KEYS);
        return new GoogleConfig(
                credential(g, "client_id", needed),
                credential(g, "client_secret", needed),
                g.value("issuer", ConfigValues::httpUrl).map(URI::toString).orElse(DEFAULT_GOOGLE_ISSUER));
    }

    private static String credential(Section g, String key, boolean needed) {
        if (!needed) {
            return g.string(key).orElse("");
        }
        String hint = "from the OAuth client in the Google Cloud console";
        return g.required(key, hint, value -> {
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("is empty; set it to the value " + hint);
                    }
                    return value;
                })
                .orElse("");
    }

    private static List<RouteConfig> routes(Section root, String healthPath, Set<String> groups, String issuer) {
        List<RouteConfig> routes = new ArrayList<>();
        List<PendingAggregate> aggregates = new ArrayList<>();
        Map<String, Section> claimed = new LinkedHashMap<>();
        Map<String, Section> hosts = new LinkedHashMap<>();
        for (Section item : root.sections("routes", ROUTE_EXAMPLE)) {
            item.allowOnly(ROUTE_KEYS);
            String path = item.required("path", "where clients reach it, e.g. /notion", ConfigValues::routePath)
                    .orElse(null);
            if (path != null) {
                claim(item, path, claimed, healthPath);
            }
            Optional<String> host = item.value("host", ConfigParser::routeHost);
            host.ifPresent(h -> claimHost(item, h, hosts, issuer));
            Optional<Duration> timeout = item.value("timeout", ConfigValues::positiveDuration);
            Duration requestTimeout = item.value("request_timeout", ConfigValues::positiveDuration)
                    .orElse(DEFAULT_REQUEST_TIMEOUT);
            Optional<Integer> maxSessions = item.value("max_sessions", ConfigValues::positiveCount);
            BackendProtocol protocol =
                    item.value("protocol", ConfigValues::backendProtocol).orElse(BackendProtocol.AUTO);
            Optional<Integer> perUser = item.value("max_sessions_per_user", ConfigValues::positiveCount);
            RouteAccess access = AccessSections.access(item, groups, ConfigValues::rateLimit);
            Optional<RouteType> type =
                    item.required("type", "http, stdio or aggregate", v -> ConfigValues.oneOf(v, RouteType.class));
            if (type.isEmpty()) {
                continue;
            }
            if (type.get() == RouteType.AGGREGATE) {
                // Its members are resolved once every route is known.
                aggregates.add(new PendingAggregate(
                        item,
                        path,
                        host,
                        sessionLimits(
                                item,
                                timeout.orElse(DEFAULT_HTTP_IDLE_TIMEOUT),
                                requestTimeout,
                                maxSessions.orElse(DEFAULT_HTTP_MAX_SESSIONS),
                                perUser),
                        access,
                        aggregateMembers(item)));
                continue;
            }
            boolean http = type.get() == RouteType.HTTP;
            SessionLimits sessions = sessionLimits(
                    item,
                    timeout.orElse(http ? DEFAULT_HTTP_IDLE_TIMEOUT : DEFAULT_STDIO_IDLE_TIMEOUT),
                    requestTimeout,
                    maxSessions.orElse(http ? DEFAULT_HTTP_MAX_SESSIONS : DEFAULT_STDIO_MAX_SESSIONS),
                    perUser);
            Optional<? extends Backend> backend = http ? httpBackend(item, protocol) : stdioBackend(item);
            HealthCheck healthCheck = http
                    ? item.section("health_check").map(HealthCheck::parse).orElse(HealthCheck.DEFAULT)
                    : HealthCheck.DEFAULT;
            RouteIdentity identity = IdentitySections.routeIdentity(
                    item,
                    type.get(),
                    backend.map(b -> b instanceof Http h ? h.headers() : Map.<String, String>of())
                            .orElse(Map.of()));
            Optional<RouteCredential> credential = CredentialSections.route(
                    item,
                    http ? "headers" : "environment",
                    backend.map(b -> b instanceof Http h
                                    ? h.headers()
                                    : b instanceof Stdio s ? s.environment() : Map.<String, String>of())
                            .orElse(Map.of()));
            warmFits(item, backend, sessions, identity, credential.isPresent());
            if (path != null && backend.isPresent()) {
                routes.add(new RouteConfig(
                        path, host, backend.get(), protocol, sessions, healthCheck, access, identity, credential));
            }
        }
        List<RouteConfig> members = List.copyOf(routes);
        for (PendingAggregate pending : aggregates) {
            pending.resolve(members).ifPresent(routes::add);
        }
        return routes;
    }

    /** An {@code aggregate} route read before its members are known: the keys it has of its own. */
    private record PendingAggregate(
            Section item,
            String path,
            Optional<String> host,
            SessionLimits sessions,
            RouteAccess access,
            Optional<List<String>> members) {

        /** The route, its members taken from {@code routes} (every one when {@code members:} is absent). */
        Optional<RouteConfig> resolve(List<RouteConfig> routes) {
            List<RouteConfig> chosen = new ArrayList<>();
            for (String member :
                    members.orElse(routes.stream().map(RouteConfig::path).toList())) {
                Optional<RouteConfig> found =
                        routes.stream().filter(r -> r.path().equals(member)).findFirst();
                if (member.equals(path)) {
                    item.problem("members", Problems.quote(member) + " is this route itself");
                } else if (found.isPresent()) {
                    chosen.add(found.get());
                } else {
                    item.problem(
                            "members",
                            Problems.quote(member) + " is not an http or stdio route of this config"
                                    + " (an aggregate cannot hold another aggregate)");
                }
            }
            if (path == null) {
                return Optional.empty();
            }
            return Optional.of(new RouteConfig(
                    path,
                    host,
                    new Aggregate(chosen),
                    BackendProtocol.V2025,
                    sessions,
                    HealthCheck.DEFAULT,
                    access,
                    RouteIdentity.none(),
                    Optional.empty()));
        }
    }

    /**
     * {@code routes[].members} of an aggregate: route paths, no duplicates; absent means every http and stdio
     * route. What an aggregate cannot have (a backend of its own, an era, an identity) is refused here.
     */
    private static Optional<List<String>> aggregateMembers(Section s) {
        s.forbid(
                "does not belong to an aggregate route, which reaches its members with their own settings",
                "backend",
                "transport",
                "headers",
                "command",
                "environment",
                "on_process_loss",
                "warm",
                "protocol",
                "identity",
                "health_check");
        if (!s.has("members")) {
            return Optional.empty();
        }
        Optional<List<String>> members =
                s.list("members", "[\"/finance\", \"/docs\"] (route paths)", ConfigValues::routePath);
        members.ifPresent(list -> {
            if (list.isEmpty()) {
                s.problem("members", "is empty; list route paths, or leave it out for every route");
            } else if (list.stream().distinct().count() < list.size()) {
                s.problem("members", "names a route twice");
            }
        });
        return members;
    }

    /** Takes {@code host} for {@code item} unless it is the issuer's host or an earlier route's. */
    private static void claimHost(Section item, String host, Map<String, Section> hosts, String issuer) {
        String issuerHost = issuer == null ? null : URI.create(issuer).getHost();
        if (issuerHost != null && host.equals(issuerHost.toLowerCase(Locale.ROOT))) {
            item.problem(
                    "host",
                    Problems.quote(host) + " is oauth.issuer's host; a route host must be a name of its "
                            + "own (the issuer's host serves every route under its path already)");
            return;
        }
        Section earlier = hosts.get(host);
        if (earlier != null) {
            item.problem(
                    "host",
                    Problems.quote(host) + " is also " + earlier.keyPath("host") + "; one host serves one route");
            return;
        }
        hosts.put(host, item);
    }

    /** Takes {@code path} for {@code item} unless mcp-front or an earlier route already serves URLs under it. */
    private static void claim(Section item, String path, Map<String, Section> claimed, String healthPath) {
        List<String> reserved = new ArrayList<>(ReservedPaths.ALL);
        reserved.add(healthPath);
        for (String own : reserved) {
            if (ReservedPaths.overlap(path, own)) {
                item.problem(
                        "path",
                        Problems.quote(path) + " is taken by "
                                + (own.equals(healthPath)
                                        ? "server.health_path"
                                        : "mcp-front's own " + own + " endpoint"));
                return;
            }
        }
        for (Map.Entry<String, Section> earlier : claimed.entrySet()) {
            String other = earlier.getKey();
            String otherKey = earlier.getValue().keyPath("path");
            if (other.equals(path)) {
                item.problem("path", Problems.quote(path) + " is also " + otherKey + "; route paths must be unique");
                return;
            }
            if (ReservedPaths.overlap(path, other)) {
                item.problem(
                        "path",
                        Problems.quote(path) + " overlaps " + otherKey + " " + Problems.quote(other)
                                + "; one route path cannot be a prefix of another");
                return;
            }
        }
        claimed.put(path, item);
    }

    /** A route's session limits: all of its sessions, and one user's (default: a quarter of all). */
    private static SessionLimits sessionLimits(
            Section item, Duration idle, Duration requestTimeout, int sessions, Optional<Integer> perUser) {
        int mine = perUser.orElse(Math.max(1, sessions / 4));
        if (mine > sessions) {
            item.problem("max_sessions_per_user", mine + " is more than max_sessions (" + sessions + ")");
        }
        return new SessionLimits(idle, requestTimeout, sessions, Math.min(mine, sessions));
    }

    private static Optional<Http> httpBackend(Section s, BackendProtocol protocol) {
        s.forbid(
                "belongs to stdio routes; an http route has backend, transport and headers",
                "command",
                "environment",
                "on_process_loss",
                "warm");
        s.forbid("belongs to aggregate routes", "members");
        Optional<URI> backend = s.required(
                "backend", "the backend's MCP endpoint URL, e.g. http://127.0.0.1:3001/mcp", ConfigValues::httpUrl);
        Optional<BackendTransport> transport = s.value("transport", v -> ConfigValues.oneOf(v, BackendTransport.class))
                .or(() -> backend.map(ConfigParser::defaultTransport));
        Map<String, String> headers = s.map("headers", ConfigValues::headerName, ConfigValues::headerValue)
                .orElse(Map.of());
        if (protocol == BackendProtocol.V2026 && transport.orElse(null) == BackendTransport.SSE) {
            s.problem("protocol", "2026 cannot go with transport sse: MCP 2026-07-28 runs on Streamable HTTP only");
        }
        return backend.flatMap(url -> transport.map(t -> new Http(url, t, headers)));
    }

    /** The legacy HTTP+SSE transport's endpoint conventionally ends in /sse; everything else speaks Streamable HTTP. */
    private static BackendTransport defaultTransport(URI backend) {
        String path = backend.getPath();
        return path != null && path.endsWith("/sse") ? BackendTransport.SSE : BackendTransport.STREAMABLE;
    }

    private static Optional<Stdio> stdioBackend(Section s) {
        s.forbid(
                "belongs to http routes; a stdio route has command and environment", "backend", "transport", "headers");
        s.forbid("belongs to aggregate routes", "members");
        s.forbid(
                "belongs to http routes: a stdio route's processes exist only per session, and their start "
                        + "failures are reported without probes",
                "health_check");
        List<String> command = command(s);
        Map<String, String> environment = s.map("environment", ConfigValues::environmentName, Function.identity())
                .orElse(Map.of());
        // What a session does when its process dies under it: start a new one (the default) or end.
        OnProcessLoss onProcessLoss = s.value("on_process_loss", v -> ConfigValues.oneOf(v, OnProcessLoss.class))
                .orElse(OnProcessLoss.RESTART);
        int warm = s.value("warm", ConfigValues::count).orElse(0);
        return Optional.of(new Stdio(command, environment, onProcessLoss, warm));
    }

    /**
     * {@code warm} processes count against {@code max_sessions}, and are started before anyone asks: they
     * cannot carry a user's identity in their environment.
     */
    private static void warmFits(
            Section item,
            Optional<? extends Backend> backend,
            SessionLimits sessions,
            RouteIdentity identity,
            boolean perUserCredential) {
        int warm = backend.filter(Stdio.class::isInstance)
                .map(b -> ((Stdio) b).warm())
                .orElse(0);
        if (warm == 0 || !item.clean("warm")) {
            return;
        }
        if (warm > sessions.max()) {
            item.problem(
                    "warm",
                    warm + " is more than max_sessions (" + sessions.max() + "): warm processes count against it");
        }
        if (identity.kind() == RouteIdentity.Kind.ENVIRONMENT) {
            item.problem(
                    "warm",
                    "cannot go with identity: environment: a process started before its session cannot know the "
                            + "session's user; remove warm, or the identity");
        }
        if (perUserCredential) {
            item.problem(
                    "warm",
                    "cannot go with credential: a process started before its session cannot hold the session's "
                            + "user's ${user.credential}; remove warm, or the credential");
        }
    }

    private static List<String> command(Section s) {
        if (!s.has("command")) {
            s.problem("command", "is required (the program and its arguments, e.g. " + COMMAND_EXAMPLE + ")");
            return List.of();
        }
        // A single string would need a shell to split it; mcp-front starts the program directly.
        List<String> command = s.list("command", COMMAND_EXAMPLE + " (it runs without a shell)", Function.identity())
                .orElse(List.of());
        if (s.clean("command") && (command.isEmpty() || command.get(0).isBlank())) {
            s.problem("command", "must start with the program to run, e.g. " + COMMAND_EXAMPLE);
        }
        return command;
    }

    private static ServerConfig server(Section s) {
        s.allowOnly(SERVER_KEYS);
        Duration keepAlive = s.value("sse_keepalive", ConfigValues::keepAlive).orElse(DEFAULT_SSE_KEEPALIVE);
        Duration idle = s.value("idle_timeout", ConfigValues::positiveDuration).orElse(DEFAULT_IDLE_TIMEOUT);
        if (idle.compareTo(keepAlive.multipliedBy(2)) < 0 && s.clean("idle_timeout") && s.clean("sse_keepalive")) {
            s.problem(
                    "idle_timeout",
                    "must be at least twice server.sse_keepalive (" + keepAlive.toSeconds() + "s): an "
                            + "idle SSE stream carries only keep-alives, and a shorter idle timeout would cut it");
        }
        return new ServerConfig(
                s.value("host", ConfigValues::host).orElse(DEFAULT_HOST),
                s.value("port", ConfigValues::port).orElse(DEFAULT_PORT),
                s.value("health_path", ConfigValues::healthPath).orElse(ReservedPaths.DEFAULT_HEALTH),
                s.value("max_body_size", ConfigValues::positiveSize).orElse(DEFAULT_MAX_BODY_BYTES),
                keepAlive,
                s.list("allowed_origins", "[\"https://claude.ai\"]", ConfigValues::origin)
                        .orElse(List.of()),
                s.value("max_sessions", ConfigValues::positiveCount).orElse(DEFAULT_SERVER_MAX_SESSIONS),
                s.value("slow_client_timeout", ConfigValues::positiveDuration).orElse(DEFAULT_SLOW_CLIENT_TIMEOUT),
                idle,
                s.value("read_timeout", ConfigValues::positiveDuration).orElse(DEFAULT_READ_TIMEOUT),
                s.list("trusted_proxies", "[\"35.191.0.0/16\", \"130.211.0.0/22\"]", AddressRange::parse)
                        .orElse(List.of()),
                s.value("trusted_proxy_header", ConfigValues::headerName).orElse(DEFAULT_TRUSTED_PROXY_HEADER),
                // Off unless asked for: a client that cannot resume would lose the answer of a stream cut short.
                s.value("stream_max_duration", ConfigValues::positiveDuration).orElse(Duration.ZERO));
    }

    private static ClusterConfig cluster(Section s) {
        s.allowOnly(CLUSTER_KEYS);
        return new ClusterConfig(
                s.value("enabled", ConfigValues::bool).orElse(false),
                s.string("hazelcast_config").filter(file -> !file.isEmpty()),
                s.value("event_bus_port", ConfigValues::port).orElse(0));
    }

    /** A route's own host name: a DNS name without scheme, port or path, e.g. notion.mcp.example.com. */
    private static String routeHost(String value) {
        String host = value.trim();
        if (host.contains("://") || host.contains("/") || host.contains(":")) {
            throw new IllegalArgumentException(Problems.quote(value) + " must be a host name only, e.g. "
                    + "notion.mcp.example.com (the scheme and port are oauth.issuer's)");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.length() > 253
                || !HOST_NAME.matcher(host).matches()
                || IPV4_LITERAL.matcher(host).matches()) {
            throw new IllegalArgumentException(
                    Problems.quote(value) + " is not a DNS name with a dot in it, e.g. notion.mcp.example.com");
        }
        return host;
    }
}
