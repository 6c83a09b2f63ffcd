package org.mcpfront.oauth;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.mcpfront.identity.Caller;

/**
 * Sign-in for mcp-front's own pages (the status and connections pages): the same identity provider and
 * admission rules as an OAuth client's sign-in, without a client or a consent step, kept by an HttpOnly cookie.
 */
public interface PageSignIn {

    /** The signed-in person (email and memberships), or null when this browser has no page session. */
    Future<Caller> viewer(RoutingContext ctx);

    /** The signed-in person with the identity provider's subject, or null without a page session. */
    Future<Viewer> signedIn(RoutingContext ctx);

    /** Who a page session belongs to: the subject is the one their access tokens carry. */
    record Viewer(String subject, Caller caller) {
        public String email() {
            return caller.email();
        }
    }

    /** Sends the browser to sign in; it comes back to {@code returnPath} (a path on this host) signed in. */
    void signIn(RoutingContext ctx, String returnPath);
}
