package org.mcpfront.oauth.clients;

/**
 * A {@code client_id} URL whose metadata document cannot be used. The message names the URL and
 * what was wrong, and is meant for the error page the user sees instead of a redirect.
 */
public final class ClientMetadataException extends Exception {

    private final String url;
    private final String reason;

    private ClientMetadataException(String url, String reason, String message) {
        super(message, null, false, false);
        this.url = url;
        this.reason = reason;
    }

    /** The URL itself breaks the rules: nothing was fetched. */
    static ClientMetadataException badUrl(String url, String reason) {
        String shown = printable(url);
        return new ClientMetadataException(
                shown, reason, "the client_id " + shown + " is not a usable client metadata document URL: " + reason);
    }

    /** A URL that failed to parse may hold control characters; they must not reach a log line or a page. */
    private static String printable(String url) {
        StringBuilder shown = new StringBuilder(url.length());
        url.codePoints().forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return shown.toString();
    }

    /**
     * No public server answered for the URL's host: it does not resolve, resolves to an address we do not
     * fetch from, refused, or did not answer in time. The person who sent the {@code client_id} gets one
     * message for all of these, so that the page is no oracle for what the gateway's DNS and network
     * hold; {@link #reason()} keeps the detail for the log.
     */
    static ClientMetadataException unreachable(String url, String detail) {
        return new ClientMetadataException(
                url,
                detail,
                "the client metadata document at " + url
                        + " could not be fetched: no public server answered for its host (it must be served over https "
                        + "from the internet)");
    }

    /** The document could not be obtained from the server that answered (HTTP status, size, type, TLS). */
    static ClientMetadataException unfetchable(String url, String reason) {
        return new ClientMetadataException(
                url, reason, "the client metadata document at " + url + " could not be fetched: " + reason);
    }

    /** The document was obtained but does not describe a client we accept. */
    static ClientMetadataException invalid(String url, String reason) {
        return new ClientMetadataException(
                url, reason, "the client metadata document at " + url + " is not acceptable: " + reason);
    }

    public String url() {
        return url;
    }

    /** What was wrong, without the URL; for an unreachable host the detail that the message leaves out. */
    public String reason() {
        return reason;
    }
}
