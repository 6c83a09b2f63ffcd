package org.mcpfront.config;

import java.util.List;

/**
 * The paths mcp-front serves itself. The one list that the config parser (no route may use them), the
 * edge router and the OAuth mount all read, so that a new endpoint cannot be shadowed by a route.
 */
public final class ReservedPaths {

    public static final String WELL_KNOWN = "/.well-known";
    public static final String AUTHORIZATION_SERVER_METADATA = WELL_KNOWN + "/oauth-authorization-server";
    public static final String OPENID_CONFIGURATION = WELL_KNOWN + "/openid-configuration";
    public static final String PROTECTED_RESOURCE_METADATA = WELL_KNOWN + "/oauth-protected-resource";
    public static final String JWKS = "/jwks.json";
    public static final String REGISTER = "/register";
    public static final String AUTHORIZE = "/authorize";
    /** The identity provider's answer comes back here; providers may add their own pages under {@link #OAUTH}. */
    public static final String OAUTH = "/oauth";

    public static final String CALLBACK = OAUTH + "/callback";
    public static final String CONSENT = "/consent";
    public static final String TOKEN = "/token";
    public static final String REVOKE = "/revoke";
    /** Where liveness is served unless {@code server.health_path} moves it. */
    public static final String DEFAULT_HEALTH = "/health";

    public static final String READY = "/ready";
    public static final String METRICS = "/metrics";
    /** The status page for administrators, and its report for scripts. */
    public static final String STATUS = "/status";

    public static final String STATUS_JSON = "/status.json";
    /** Where users connect their own accounts at the services behind routes ({@code routes[].credential}). */
    public static final String CONNECTIONS = "/connections";

    /** Each of these, and everything under it, is mcp-front's own. */
    public static final List<String> ALL = List.of(
            WELL_KNOWN,
            AUTHORIZE,
            OAUTH,
            TOKEN,
            REGISTER,
            REVOKE,
            CONSENT,
            JWKS,
            DEFAULT_HEALTH,
            READY,
            METRICS,
            STATUS,
            STATUS_JSON,
            CONNECTIONS);

    private ReservedPaths() {}

    /** Equal, or one is a whole-segment prefix of the other: {@code /a} and {@code /a/b}, but not {@code /ab}. */
    public static boolean overlap(String a, String b) {
        return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
    }
}
