package org.mcpfront.oauth.clients;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a fetched client metadata document and turns it into the public client it describes: its
 * {@code client_id} is exactly the URL, its redirect URIs follow the registration rules, and it asks for
 * no client secret.
 */
final class MetadataDocumentCheck {

    static final int MAX_CLIENT_NAME_LENGTH = 200;

    private MetadataDocumentCheck() {}

    static RegisteredClient check(String url, Buffer body) throws ClientMetadataException {
        Object parsed;
        try {
            parsed = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw ClientMetadataException.invalid(url, "it is not valid JSON");
        }
        if (!(parsed instanceof JsonObject document)) {
            throw ClientMetadataException.invalid(url, "it is not a JSON object");
        }
        // Simple string comparison: the draft forbids normalising either side.
        if (!url.equals(document.getValue("client_id"))) {
            throw ClientMetadataException.invalid(url, "its client_id is not exactly the URL it was fetched from");
        }
        List<String> redirectUris = redirectUris(url, document.getValue("redirect_uris"));
        authMethod(url, document.getValue("token_endpoint_auth_method"));
        Object grantTypes = document.getValue("grant_types");
        if (grantTypes != null && !(grantTypes instanceof JsonArray grants && grants.contains("authorization_code"))) {
            throw ClientMetadataException.invalid(url, "grant_types does not include authorization_code");
        }
        return new RegisteredClient(
                url, clientName(url, document.getValue("client_name")), redirectUris, "none", null, true);
    }

    private static List<String> redirectUris(String url, Object value) throws ClientMetadataException {
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw ClientMetadataException.invalid(url, "redirect_uris is missing or empty");
        }
        if (array.size() > RegisteredClient.MAX_REDIRECT_URIS) {
            throw ClientMetadataException.invalid(
                    url, "redirect_uris has more than " + RegisteredClient.MAX_REDIRECT_URIS + " entries");
        }
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof String uri)) {
                throw ClientMetadataException.invalid(url, "redirect_uris[" + i + "] is not a string");
            }
            if (uri.length() > RegisteredClient.MAX_REDIRECT_URI_LENGTH) {
                throw ClientMetadataException.invalid(
                        url,
                        "redirect_uris[" + i + "] is longer than " + RegisteredClient.MAX_REDIRECT_URI_LENGTH
                                + " characters");
            }
            Optional<String> problem = redirectProblem(uri);
            if (problem.isPresent()) {
                throw ClientMetadataException.invalid(url, "redirect_uris[" + i + "] " + problem.get());
            }
            uris.add(uri);
        }
        return uris;
    }

    /** Same rule as registration: https anywhere, plain http only back to the user's own machine. */
    private static Optional<String> redirectProblem(String uri) {
        if (uri.indexOf('#') >= 0) {
            return Optional.of("has a fragment");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        if (!parsed.isAbsolute() || parsed.getHost() == null) {
            return Optional.of("is not an absolute URL with a host");
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || (scheme.equals("http") && RegisteredClient.isLoopbackHost(parsed.getHost()))) {
            return Optional.empty();
        }
        return Optional.of("must use https, or http on 127.0.0.1, [::1] or localhost");
    }

    private static void authMethod(String url, Object method) throws ClientMetadataException {
        if (method == null || "none".equals(method)) {
            return;
        }
        if ("private_key_jwt".equals(method)) {
            throw ClientMetadataException.invalid(
                    url, "token_endpoint_auth_method private_key_jwt is not supported yet; use none");
        }
        if (method instanceof String name && name.startsWith("client_secret_")) {
            throw ClientMetadataException.invalid(
                    url,
                    "token_endpoint_auth_method " + name
                            + " needs a client secret, which a public document cannot hold; use none");
        }
        throw ClientMetadataException.invalid(url, "token_endpoint_auth_method must be none");
    }

    private static String clientName(String url, Object value) throws ClientMetadataException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String name)) {
            throw ClientMetadataException.invalid(url, "client_name is not a string");
        }
        String trimmed = name.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (trimmed.codePointCount(0, trimmed.length()) > MAX_CLIENT_NAME_LENGTH) {
            trimmed = trimmed.substring(0, trimmed.offsetByCodePoints(0, MAX_CLIENT_NAME_LENGTH));
        }
        return trimmed;
    }
}
