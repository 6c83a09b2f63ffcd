package org.mcpfront.oauth.clients;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A checked {@code client_id} URL: https (or, under the testing policy, http on loopback), with a host and a
 * path, without user info, fragment or dot segments.
 *
 * @param text          the URL exactly as the client sent it (the cache key and the expected {@code client_id})
 * @param host          the host without IPv6 brackets
 * @param requestTarget raw path and query, as sent on the request line
 */
record MetadataUrl(String text, boolean https, String host, int port, String requestTarget) {

    static final int MAX_URL_LENGTH = 2048;

    static MetadataUrl parse(String text, ClientMetadataDocuments.Policy policy) throws ClientMetadataException {
        if (text == null || text.isEmpty()) {
            throw ClientMetadataException.badUrl("(empty)", "it is empty");
        }
        if (text.length() > MAX_URL_LENGTH) {
            throw ClientMetadataException.badUrl(
                    text.substring(0, 100) + "...", "it is longer than " + MAX_URL_LENGTH + " characters");
        }
        if (text.indexOf('#') >= 0) {
            throw ClientMetadataException.badUrl(text, "it has a fragment (#...)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ClientMetadataException.badUrl(text, "it is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw ClientMetadataException.badUrl(text, "it is not an absolute URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw ClientMetadataException.badUrl(text, "it has user info (a name or password before the host)");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        boolean loopbackHttp =
                scheme.equals("http") && policy.allowLoopbackHttp() && RegisteredClient.isLoopbackHost(host);
        if (!https && !loopbackHttp) {
            throw ClientMetadataException.badUrl(text, "it must use https");
        }
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw ClientMetadataException.badUrl(
                    text, "it has no path; the document must live at a path such as /oauth/client-metadata.json");
        }
        for (String segment : path.split("/", -1)) {
            String decoded = segment.replace("%2e", ".").replace("%2E", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                throw ClientMetadataException.badUrl(text, "its path has a . or .. segment");
            }
        }
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new MetadataUrl(text, https, bare, port, target);
    }
}
