package org.mcpfront.identity;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Where users prove who they are: Google, or the local dev page. The authorization server keeps a
 * pending sign-in under an opaque {@code state}, sends the browser to {@link SignInStart#redirectUrl()},
 * and the browser comes back to {@code <issuer>/oauth/callback} (GET from Google, POST from the dev
 * page) with that {@code state}, where {@link #finish} turns the callback into an {@link Identity}.
 */
public interface IdentityProvider {

    /** The callback path, relative to the issuer. */
    String CALLBACK_PATH = "/oauth/callback";

    /** Where to send the browser, and what this provider needs to keep until the callback. */
    record SignInStart(String redirectUrl, JsonObject providerState) {}

    /** Begins a sign-in; {@code state} is the authorization server's handle, echoed to the callback. */
    Future<SignInStart> begin(String state);

    /**
     * Completes a sign-in from the callback's parameters (query or form) and the state kept since
     * {@link #begin}. Fails with a message fit to show the user when the provider refused or the
     * answer does not check out.
     */
    Future<Identity> finish(MultiMap callbackParams, JsonObject providerState);

    /** Adds the provider's own pages, if it has any (the dev sign-in form). */
    default void mount(Router router) {}
}
