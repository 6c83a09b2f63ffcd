package org.mcpfront.identity.backend;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.RouteCredential;
import org.mcpfront.config.RouteIdentity;
import org.mcpfront.credentials.CredentialRequired;
import org.mcpfront.credentials.UserCredentials;
import org.mcpfront.gcp.GoogleCredentials;

/**
 * What a route's backend is told about who is calling ({@code routes[].identity}), as headers of the requests
 * mcp-front sends it, or, for a stdio route, as its process's environment. Never the client's own token:
 * <ul>
 *   <li>{@code assertion}: a JWT signed by mcp-front about the user ({@link IdentityAssertions}) in the route's
 *       header, {@code X-MCP-Front-Identity} unless it names another;</li>
 *   <li>{@code google_id_token}: a Google-signed ID token of mcp-front's own service account for the backend's
 *       audience, as {@code Authorization: Bearer} (private Cloud Run, IAP, GKE);</li>
 *   <li>{@code environment} (stdio): {@value #EMAIL_VARIABLE}, {@value #SUBJECT_VARIABLE} and
 *       {@value #GROUPS_VARIABLE} (comma-separated).</li>
 * </ul>
 * The era probe ({@code server/discover}) has no user: it carries a route's Google ID token (the backend admits
 * nothing without one), or an assertion about mcp-front itself ({@code sub} = our issuer, no {@code email}, no
 * {@code groups}), so that a backend that checks every request can still answer it.
 *
 * <p>A route with {@code credential:} also gets the caller's own credential at its service wherever its headers or
 * environment write {@value RouteCredential#PLACEHOLDER}, looked up per request (so that a user who connects or
 * reconnects goes on without a new session); without one the request fails with {@link CredentialRequired}. No
 * request without a caller (probes) carries those headers at all.
 */
public final class BackendIdentity {

    public static final String EMAIL_VARIABLE = "MCP_FRONT_USER_EMAIL";
    public static final String SUBJECT_VARIABLE = "MCP_FRONT_USER_SUB";
    public static final String GROUPS_VARIABLE = "MCP_FRONT_USER_GROUPS";

    private final IdentityAssertions assertions;
    private final GoogleCredentials google;
    private final UserCredentials credentials;

    /** @param google mcp-front's Google credentials, or null where none are configured */
    public BackendIdentity(IdentityAssertions assertions, GoogleCredentials google) {
        this(assertions, google, null);
    }

    private BackendIdentity(IdentityAssertions assertions, GoogleCredentials google, UserCredentials credentials) {
        this.assertions = assertions;
        this.google = google;
        this.credentials = credentials;
    }

    /** The same, filling routes' {@value RouteCredential#PLACEHOLDER} from {@code userCredentials}. */
    public BackendIdentity withCredentials(UserCredentials userCredentials) {
        return new BackendIdentity(assertions, google, userCredentials);
    }

    /** Sends nothing about anyone: for tests and tools that run without the authorization server. */
    public static BackendIdentity none() {
        return new BackendIdentity(null, null);
    }

    /**
     * The headers that tell {@code route}'s backend that {@code caller} is calling, and those that carry the
     * caller's own credential at its service.
     */
    public Future<Map<String, String>> headers(RouteConfig route, SessionOwner caller) {
        Map<String, String> wanted = route.credentialHeaders();
        if (wanted.isEmpty()) {
            return identityHeaders(route, caller);
        }
        return identityHeaders(route, caller)
                .compose(identity -> filled(route, caller, wanted).map(filled -> {
                    Map<String, String> all = new HashMap<>(identity);
                    all.putAll(filled);
                    return Map.copyOf(all);
                }));
    }

    /** A stdio route's environment values that carry the caller's own credential, filled. */
    public Future<Map<String, String>> credentialEnvironment(RouteConfig route, SessionOwner caller) {
        Map<String, String> wanted = route.credentialEnvironment();
        return wanted.isEmpty() ? Future.succeededFuture(Map.of()) : filled(route, caller, wanted);
    }

    private Future<Map<String, String>> filled(RouteConfig route, SessionOwner caller, Map<String, String> wanted) {
        if (credentials == null || caller == null) {
            return Future.failedFuture(new IllegalStateException(
                    route.path() + " wants the user's credential, but this request has no user to take it from"));
        }
        return credentials.token(route, caller.subject(), caller.email()).map(token -> {
            Map<String, String> values = new HashMap<>();
            wanted.forEach((name, value) -> values.put(name, RouteCredential.fill(value, token)));
            return Map.copyOf(values);
        });
    }

    private Future<Map<String, String>> identityHeaders(RouteConfig route, SessionOwner caller) {
        if (assertions == null && google == null) {
            return Future.succeededFuture(Map.of());
        }
        RouteIdentity identity = route.identity();
        return switch (identity.kind()) {
            case NONE, ENVIRONMENT -> Future.succeededFuture(Map.of());
            case ASSERTION -> {
                if (assertions == null || caller == null) {
                    yield Future.succeededFuture(Map.of());
                }
                try {
                    yield Future.succeededFuture(
                            Map.of(identity.header(), assertions.assertion(caller, route.path(), backendUrl(route))));
                } catch (IllegalStateException e) {
                    yield Future.failedFuture(e);
                }
            }
            case GOOGLE_ID_TOKEN -> googleIdToken(route);
        };
    }

    /** The headers of a request that no user makes (the era probe): mcp-front speaks for itself. */
    public Future<Map<String, String>> probeHeaders(RouteConfig route) {
        if (assertions == null && google == null) {
            return Future.succeededFuture(Map.of());
        }
        if (route.identity().kind() == RouteIdentity.Kind.ASSERTION && assertions != null) {
            return identityHeaders(route, new SessionOwner(assertions.issuer(), null, null));
        }
        return route.identity().kind() == RouteIdentity.Kind.GOOGLE_ID_TOKEN
                ? googleIdToken(route)
                : Future.succeededFuture(Map.of());
    }

    /** The variables a stdio route's process gets about {@code caller}; empty unless the route asks for them. */
    public static Map<String, String> environment(RouteConfig route, SessionOwner caller) {
        if (route.identity().kind() != RouteIdentity.Kind.ENVIRONMENT || caller == null) {
            return Map.of();
        }
        return Map.of(
                EMAIL_VARIABLE,
                caller.email() == null ? "" : caller.email(),
                SUBJECT_VARIABLE,
                caller.subject(),
                GROUPS_VARIABLE,
                String.join(",", caller.groups()));
    }

    private Future<Map<String, String>> googleIdToken(RouteConfig route) {
        if (google == null) {
            return Future.failedFuture(new IllegalStateException(
                    "route " + route.path() + " needs a Google ID token, but mcp-front has no Google credentials"));
        }
        return google.idToken(audience(route)).map(token -> Map.of("Authorization", "Bearer " + token));
    }

    /** The assertion's audience: the backend URL as configured. */
    static String backendUrl(RouteConfig route) {
        return route.http().map(h -> h.url().toString()).orElse(route.path());
    }

    /** A Google ID token's audience: the route's, or the backend URL's origin. */
    static String audience(RouteConfig route) {
        return route.identity()
                .audience()
                .orElseGet(() -> route.http()
                        .map(h -> h.url().getScheme() + "://" + h.url().getRawAuthority())
                        .orElse(route.path()));
    }
}
