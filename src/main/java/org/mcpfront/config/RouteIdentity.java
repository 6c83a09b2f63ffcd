package org.mcpfront.config;

import java.util.Optional;

/**
 * {@code routes[].identity}: what a route's backend learns about the user behind a request.
 *
 * @param kind     none; a JWT signed by mcp-front ({@code assertion}); a Google-signed ID token
 *                 ({@code google_id_token}); or, for stdio routes, environment variables ({@code environment})
 * @param header   the header that carries an assertion
 * @param audience a Google ID token's audience; empty: the backend URL's origin (what Cloud Run expects)
 */
public record RouteIdentity(Kind kind, String header, Optional<String> audience) {

    /** The header an assertion travels in unless the route names another. */
    public static final String DEFAULT_HEADER = "X-MCP-Front-Identity";

    public enum Kind {
        NONE,
        ASSERTION,
        GOOGLE_ID_TOKEN,
        ENVIRONMENT
    }

    public static RouteIdentity none() {
        return new RouteIdentity(Kind.NONE, DEFAULT_HEADER, Optional.empty());
    }
}
