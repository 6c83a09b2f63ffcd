package org.mcpfront.credentials;

/**
 * A request needs the user's own credential at the service behind its route, and they have not connected one
 * (or it can no longer be refreshed). The message names the page where they connect.
 */
public final class CredentialRequired extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String route;
    private final String connectUrl;

    public CredentialRequired(String route, String connectUrl) {
        super(
                route + " needs your own account at the service behind it: connect it at " + connectUrl
                        + ", then try again",
                null,
                false,
                false);
        this.route = route;
        this.connectUrl = connectUrl;
    }

    public String route() {
        return route;
    }

    /** The connections page, where the user connects this route. */
    public String connectUrl() {
        return connectUrl;
    }
}
