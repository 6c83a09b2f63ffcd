package org.mcpfront.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.mcpfront.config.CredentialsConfig.KeySource;

/**
 * Reads {@code routes[].credential} (each user's own credential at the service behind a route) and the top-level
 * {@code credentials:} (the keys it is encrypted with), and checks that they go together: a route that writes
 * {@value RouteCredential#PLACEHOLDER} declares a credential and the other way round, and no route wants one
 * unless a key is set.
 */
final class CredentialSections {

    static final List<String> ROUTE_KEYS = List.of(
            "kind",
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "client_id",
            "client_secret",
            "scopes",
            "instructions");
    private static final List<String> ROOT_KEYS = List.of("keys");
    private static final List<String> KEY_KEYS = List.of("id", "file", "env");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final String KEYS_EXAMPLE = "[{ id: k1, file: /etc/mcp-front/credentials.key }]";

    enum Kind {
        OAUTH,
        TOKEN
    }

    private CredentialSections() {}

    /**
     * {@code routes[].credential}; {@code values} are the route's header or environment values, which must use
     * the placeholder when a credential is declared, and may only when one is.
     */
    static Optional<RouteCredential> route(Section route, String valuesKey, Map<String, String> values) {
        boolean used = values.values().stream().anyMatch(RouteCredential::wanted);
        if (!route.has("credential")) {
            if (used) {
                route.problem(
                        valuesKey,
                        "uses " + RouteCredential.PLACEHOLDER + " but the route declares no credential: add "
                                + "credential: { kind: oauth, ... } or { kind: token, instructions: \"...\" }");
            }
            return Optional.empty();
        }
        Optional<RouteCredential> credential = route.section("credential").flatMap(CredentialSections::credential);
        if (credential.isPresent() && !used && route.clean(valuesKey)) {
            route.problem(
                    "credential",
                    "is declared but no value of " + valuesKey + " uses " + RouteCredential.PLACEHOLDER
                            + " (e.g. Authorization: \"Bearer " + RouteCredential.PLACEHOLDER
                            + "\"), so the user's credential would never reach the backend");
        }
        return credential;
    }

    private static Optional<RouteCredential> credential(Section s) {
        s.allowOnly(ROUTE_KEYS);
        Optional<Kind> kind = s.required("kind", "oauth or token", v -> ConfigValues.oneOf(v, Kind.class));
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        if (kind.get() == Kind.TOKEN) {
            s.forbid(
                    "belongs to kind oauth; kind token has only instructions",
                    "issuer",
                    "authorization_endpoint",
                    "token_endpoint",
                    "client_id",
                    "client_secret",
                    "scopes");
            return Optional.of(
                    new RouteCredential.Token(s.string("instructions").orElse("")));
        }
        s.forbid("belongs to kind token (what the paste form tells the user)", "instructions");
        Optional<URI> issuer = s.value("issuer", ConfigValues::httpUrl);
        Optional<URI> authorization = s.value("authorization_endpoint", ConfigValues::httpUrl);
        Optional<URI> token = s.value("token_endpoint", ConfigValues::httpUrl);
        if (issuer.isEmpty()
                && (authorization.isEmpty() || token.isEmpty())
                && s.clean("issuer")
                && s.clean("authorization_endpoint")
                && s.clean("token_endpoint")) {
            s.problem(
                    "issuer",
                    "or both authorization_endpoint and token_endpoint are required: the service's "
                            + "authorization server (its metadata is discovered) or its two endpoints");
        }
        String clientId = s.required(
                        "client_id", "mcp-front's client id, registered at the service", CredentialSections::nonBlank)
                .orElse("");
        String secret = s.string("client_secret").orElse("");
        List<String> scopes = s.list("scopes", "[\"repo\", \"read:user\"]", CredentialSections::nonBlank)
                .orElse(List.of());
        return Optional.of(new RouteCredential.OAuth(issuer, authorization, token, clientId, secret, scopes));
    }

    /** The top-level {@code credentials:}; {@code wanted} names the routes that declare a credential. */
    static CredentialsConfig root(Section root, List<String> wanted) {
        Optional<Section> section = root.section("credentials");
        if (section.isEmpty()) {
            if (!wanted.isEmpty()) {
                root.problem(
                        "credentials",
                        "is required: " + String.join(", ", wanted) + " keep each user's own credential, which "
                                + "mcp-front stores encrypted; set credentials: { keys: " + KEYS_EXAMPLE
                                + " } (32 random bytes in base64, e.g. openssl rand -base64 32)");
            }
            return CredentialsConfig.NONE;
        }
        Section s = section.get();
        s.allowOnly(ROOT_KEYS);
        Set<String> ids = new HashSet<>();
        List<KeySource> keys = s.sections("keys", "{ id: k1, file: /etc/mcp-front/credentials.key }").stream()
                .map(item -> key(item, ids))
                .flatMap(Optional::stream)
                .toList();
        if (keys.isEmpty() && s.clean("keys") && !wanted.isEmpty()) {
            s.problem("keys", "is empty; list at least one key, e.g. " + KEYS_EXAMPLE);
        }
        return new CredentialsConfig(keys);
    }

    private static Optional<KeySource> key(Section item, Set<String> ids) {
        item.allowOnly(KEY_KEYS);
        Optional<String> id = item.required("id", "a short name stored with what it encrypts, e.g. k1", value -> {
            if (!KEY_ID.matcher(value).matches()) {
                throw new IllegalArgumentException(
                        Problems.quote(value) + " must be 1 to 32 letters, digits, _ or -, e.g. k1");
            }
            return value;
        });
        id.filter(value -> !ids.add(value))
                .ifPresent(value -> item.problem("id", Problems.quote(value) + " is listed twice; key ids are unique"));
        Optional<Path> file = item.value("file", Path::of);
        Optional<String> env = item.value("env", ConfigValues::environmentName);
        if (file.isPresent() == env.isPresent() && item.clean("file") && item.clean("env")) {
            item.problem("file", "give exactly one of file and env (the environment variable holding the key)");
            return Optional.empty();
        }
        return id.map(value -> new KeySource(value, file, env));
    }

    private static String nonBlank(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        return value;
    }
}
