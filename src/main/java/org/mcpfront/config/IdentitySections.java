package org.mcpfront.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.mcpfront.config.GcpConfig.WorkspaceConfig;
import org.mcpfront.config.RouteConfig.RouteType;
import org.mcpfront.config.RouteIdentity.Kind;

/**
 * Reads the identity keys: {@code oauth.oidc} (generic OpenID Connect sign-in), {@code oauth.gcp} (mcp-front's
 * Google Cloud credentials, IAM and Workspace lookups), the {@code group:}/{@code iam:} principals of
 * {@code oauth.allowed_emails}, and {@code routes[].identity} (what a backend learns about the user).
 */
final class IdentitySections {

    static final List<String> OIDC_KEYS = List.of("issuer", "client_id", "client_secret", "groups_claim");
    static final List<String> GCP_KEYS =
            List.of("credentials_file", "metadata_url", "resource_manager_url", "iam_cache_ttl", "workspace");
    static final List<String> WORKSPACE_KEYS = List.of("admin_email", "directory_url", "cache_ttl");
    static final List<String> ROUTE_IDENTITY_KEYS = List.of("type", "header", "audience");
    static final String DEFAULT_GROUPS_CLAIM = "groups";
    private static final Pattern ROLE =
            Pattern.compile("(roles/[A-Za-z0-9_.]+|(projects|organizations)/[A-Za-z0-9_.:-]+/roles/[A-Za-z0-9_.]+)");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
    /** Headers an assertion may not take: they carry the transport, the MCP session or the backend's own auth. */
    private static final List<String> RESERVED_HEADERS = List.of(
            "authorization",
            "host",
            "content-type",
            "content-length",
            "accept",
            "connection",
            "transfer-encoding",
            "mcp-session-id",
            "mcp-protocol-version",
            "last-event-id");

    private static final String ROUTE_IDENTITY_EXAMPLE =
            "assertion, google_id_token, or { type: assertion, header: X-User }";

    private IdentitySections() {}

    /** {@code oauth.oidc}, required when {@code identity} is {@code oidc}. */
    static Optional<OidcConfig> oidc(Section oauth, boolean needed, Function<String, URI> httpUrl) {
        if (needed && !oauth.has("oidc")) {
            oauth.problem(
                    "oidc",
                    "is required when oauth.identity is oidc: set issuer, client_id and client_secret of "
                            + "the OAuth client registered with your identity provider");
        }
        return oauth.section("oidc").map(s -> {
            s.allowOnly(OIDC_KEYS);
            String issuer = s.required("issuer", "the provider's issuer URL, e.g. https://login.example.com", httpUrl)
                    .map(URI::toString)
                    .map(IdentitySections::withoutTrailingSlash)
                    .orElse("");
            return new OidcConfig(
                    issuer,
                    s.required(
                                    "client_id",
                                    "from the OAuth client registered with the provider",
                                    IdentitySections::nonBlank)
                            .orElse(""),
                    s.required(
                                    "client_secret",
                                    "from the OAuth client registered with the provider",
                                    IdentitySections::nonBlank)
                            .orElse(""),
                    s.value("groups_claim", IdentitySections::nonBlank).orElse(DEFAULT_GROUPS_CLAIM));
        });
    }

    /** {@code oauth.gcp}; absent means the defaults, with the environment's credentials and metadata host. */
    static GcpConfig gcp(Section oauth, Function<String, URI> httpUrl, Function<String, Duration> positiveDuration) {
        Section s = oauth.sectionOrEmpty("gcp");
        s.allowOnly(GCP_KEYS);
        Optional<String> credentials = s.string("credentials_file")
                .filter(file -> !file.isBlank())
                .or(() -> s.environment("GOOGLE_APPLICATION_CREDENTIALS"));
        String metadata = s.value("metadata_url", httpUrl)
                .map(URI::toString)
                .or(() -> s.environment("GCE_METADATA_HOST").map(host -> "http://" + host))
                .map(IdentitySections::withoutTrailingSlash)
                .orElse(GcpConfig.DEFAULT_METADATA_URL);
        String resourceManager = s.value("resource_manager_url", httpUrl)
                .map(URI::toString)
                .map(IdentitySections::withoutTrailingSlash)
                .orElse(GcpConfig.DEFAULT_RESOURCE_MANAGER_URL);
        Duration iamTtl = s.value("iam_cache_ttl", positiveDuration).orElse(GcpConfig.DEFAULT_IAM_CACHE_TTL);
        Optional<WorkspaceConfig> workspace = s.section("workspace").map(w -> {
            w.allowOnly(WORKSPACE_KEYS);
            String admin = w.required(
                            "admin_email",
                            "a Workspace administrator the service account acts as "
                                    + "(domain-wide delegation), e.g. admin@example.com",
                            IdentitySections::email)
                    .orElse("");
            String directory = w.value("directory_url", httpUrl)
                    .map(URI::toString)
                    .map(IdentitySections::withoutTrailingSlash)
                    .orElse(GcpConfig.DEFAULT_DIRECTORY_URL);
            return new WorkspaceConfig(
                    admin,
                    directory,
                    w.value("cache_ttl", positiveDuration).orElse(GcpConfig.DEFAULT_WORKSPACE_CACHE_TTL));
        });
        if (workspace.isPresent() && credentials.isEmpty() && s.clean("workspace")) {
            s.problem(
                    "workspace",
                    "needs a service-account key (oauth.gcp.credentials_file or "
                            + "GOOGLE_APPLICATION_CREDENTIALS): only a key can act as a Workspace administrator");
        }
        return new GcpConfig(credentials, metadata, resourceManager, iamTtl, workspace);
    }

    /**
     * An entry of {@code oauth.allowed_emails}: an address, {@code group:<name>} or {@code iam:<role>}
     * ({@code roles/viewer}, {@code projects/p/roles/custom}).
     */
    static String allowedPrincipal(String value, Function<String, String> email) {
        String principal = value.strip();
        String lower = principal.toLowerCase(Locale.ROOT);
        if (lower.startsWith("iam:")) {
            String role = principal.substring("iam:".length()).strip();
            if (!ROLE.matcher(role).matches()) {
                throw new IllegalArgumentException(Problems.quote(value) + " is not an IAM role principal, e.g. "
                        + "iam:roles/viewer or iam:projects/my-project/roles/mcpUser");
            }
            return "iam:" + role;
        }
        if (lower.startsWith("group:")) {
            String group = lower.substring("group:".length()).strip();
            if (group.isEmpty() || group.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(Problems.quote(value) + " is not a group principal, e.g. "
                        + "group:eng@example.com or group:finance");
            }
            return "group:" + group;
        }
        return email.apply(value);
    }

    /** {@code iam:} principals need {@code oauth.gcp_project}: that is where the roles are looked up. */
    static void checkIamProject(Section oauth, List<String> allowed, String gcpProject) {
        if (gcpProject.isBlank() && allowed.stream().anyMatch(p -> p.startsWith("iam:"))) {
            oauth.problem(
                    "gcp_project",
                    "is required by the iam: principals of oauth.allowed_emails: name the "
                            + "Google Cloud project whose IAM policy grants the roles");
        }
    }

    /** {@code routes[].identity}: a kind, or a mapping with {@code type}, {@code header} and {@code audience}. */
    static RouteIdentity routeIdentity(Section route, RouteType type, Map<String, String> headers) {
        if (!route.has("identity")) {
            return RouteIdentity.none();
        }
        Section s;
        Optional<Kind> kind;
        if (route.isMapping("identity")) {
            s = route.section("identity").orElseThrow();
            s.allowOnly(ROUTE_IDENTITY_KEYS);
            kind = s.required("type", ROUTE_IDENTITY_EXAMPLE, IdentitySections::kind);
        } else {
            s = null;
            kind = route.value("identity", IdentitySections::kind);
        }
        if (kind.isEmpty()) {
            return RouteIdentity.none();
        }
        Section where = s == null ? route : s;
        String key = s == null ? "identity" : "type";
        boolean stdio = type == RouteType.STDIO;
        if (stdio && kind.get() != Kind.ENVIRONMENT && kind.get() != Kind.NONE) {
            where.problem(
                    key,
                    "a stdio route has no HTTP requests to carry "
                            + kind.get().name().toLowerCase(Locale.ROOT)
                            + "; use environment (the user's email and subject as variables of the process)");
        }
        if (!stdio && kind.get() == Kind.ENVIRONMENT) {
            where.problem(key, "environment is for stdio routes; an http route takes assertion or google_id_token");
        }
        String header = s == null
                ? RouteIdentity.DEFAULT_HEADER
                : s.value("header", IdentitySections::assertionHeader).orElse(RouteIdentity.DEFAULT_HEADER);
        Optional<String> audience = s == null ? Optional.empty() : s.value("audience", IdentitySections::nonBlank);
        if (s != null && s.has("header") && kind.get() != Kind.ASSERTION) {
            s.problem(
                    "header",
                    "belongs to identity type assertion (a Google ID token travels as Authorization: Bearer)");
        }
        if (s != null && s.has("audience") && kind.get() != Kind.GOOGLE_ID_TOKEN) {
            s.problem(
                    "audience",
                    "belongs to identity type google_id_token (an assertion's audience is the backend URL)");
        }
        String clash = kind.get() == Kind.GOOGLE_ID_TOKEN
                ? "authorization"
                : kind.get() == Kind.ASSERTION ? header.toLowerCase(Locale.ROOT) : null;
        if (clash != null
                && headers.keySet().stream()
                        .anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(clash))) {
            route.problem("headers", "sets " + clash + ", which the route's identity sends; remove one of them");
        }
        return new RouteIdentity(kind.get(), header, audience);
    }

    private static Kind kind(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> Kind.NONE;
            case "assertion" -> Kind.ASSERTION;
            case "google_id_token" -> Kind.GOOGLE_ID_TOKEN;
            case "environment" -> Kind.ENVIRONMENT;
            default ->
                throw new IllegalArgumentException(
                        Problems.quote(value) + " is not one of none, assertion, " + "google_id_token, environment");
        };
    }

    private static String assertionHeader(String value) {
        String name = value.strip();
        if (!HEADER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    Problems.quote(value) + " is not a header name, e.g. X-MCP-Front-Identity");
        }
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))
                || name.toLowerCase(Locale.ROOT).startsWith("mcp-")) {
            throw new IllegalArgumentException(Problems.quote(value) + " carries the request itself; name a header of "
                    + "its own, e.g. X-MCP-Front-Identity");
        }
        return name;
    }

    private static String email(String value) {
        String email = value.strip().toLowerCase(Locale.ROOT);
        int at = email.indexOf('@');
        if (at <= 0 || at != email.lastIndexOf('@') || email.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    Problems.quote(value) + " is not an email address, e.g. admin@example.com");
        }
        return email;
    }

    private static String nonBlank(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        return value.strip();
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
