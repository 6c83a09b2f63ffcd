package org.mcpfront.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code routes[].credential}: each user connects their own account at the service behind the route, and the
 * route's {@code headers} (HTTP) or {@code environment} (stdio) use it as {@value #PLACEHOLDER}. Either mcp-front
 * is an OAuth client of the service ({@link OAuth}) or the user pastes a token ({@link Token}).
 */
public sealed interface RouteCredential permits RouteCredential.OAuth, RouteCredential.Token {

    /** What a header or environment value writes where the user's credential goes. */
    String PLACEHOLDER = "${user.credential}";

    /** True when {@code value} wants the user's credential. */
    static boolean wanted(String value) {
        return value != null && value.contains(PLACEHOLDER);
    }

    /** {@code value} with the user's credential in place of every {@value #PLACEHOLDER}. */
    static String fill(String value, String credential) {
        return value.replace(PLACEHOLDER, credential);
    }

    /**
     * {@code kind: oauth}: an authorization-code flow with PKCE against the service. Its endpoints are given, or
     * found from {@code issuer} by discovery (RFC 8414, then OpenID Connect).
     */
    record OAuth(
            Optional<URI> issuer,
            Optional<URI> authorizationEndpoint,
            Optional<URI> tokenEndpoint,
            String clientId,
            String clientSecret,
            List<String> scopes)
            implements RouteCredential {
        public OAuth {
            Objects.requireNonNull(clientId, "clientId");
            clientSecret = clientSecret == null ? "" : clientSecret;
            scopes = List.copyOf(scopes);
        }

        /** Leaves the client secret out. */
        @Override
        public String toString() {
            return "OAuth[issuer=" + issuer.map(URI::toString).orElse("-") + ", authorization_endpoint="
                    + authorizationEndpoint.map(URI::toString).orElse("-") + ", token_endpoint="
                    + tokenEndpoint.map(URI::toString).orElse("-") + ", client_id=" + clientId + ", scopes=" + scopes
                    + "]";
        }
    }

    /** {@code kind: token}: the user pastes a token; {@code instructions} tell where to get one. */
    record Token(String instructions) implements RouteCredential {
        public Token {
            instructions = instructions == null ? "" : instructions;
        }
    }
}
