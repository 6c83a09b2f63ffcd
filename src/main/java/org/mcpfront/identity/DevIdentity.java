package org.mcpfront.identity;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.pages.Html;

/**
 * Local sign-in without a password: the person types an email address and is taken at their word. The config
 * allows it only with an issuer on localhost, so that mcp-front runs on a laptop without any cloud account.
 */
public final class DevIdentity implements IdentityProvider {

    /** The page's path, relative to the issuer. */
    public static final String PAGE_PATH = "/oauth/dev";

    /** One {@code @}, a non-empty local part and a dotted domain: enough to catch typing mistakes. */
    private static final Pattern EMAIL = Pattern.compile(
            "[^@\\s<>\"'(),;:\\\\\\[\\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+");

    private static final int MAX_EMAIL_LENGTH = 254;

    private final OAuthConfig oauth;

    public DevIdentity(OAuthConfig oauth) {
        this.oauth = oauth;
    }

    @Override
    public Future<SignInStart> begin(String state) {
        String url = oauth.issuer() + PAGE_PATH + "?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8);
        return Future.succeededFuture(new SignInStart(url, new JsonObject()));
    }

    @Override
    public Future<Identity> finish(MultiMap callbackParams, JsonObject providerState) {
        String typed = callbackParams.get("email");
        String email = typed == null ? "" : typed.trim().toLowerCase(Locale.ROOT);
        if (email.isEmpty()) {
            return Future.failedFuture("No email address was entered. Go back and type the address to sign in with.");
        }
        if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
            return Future.failedFuture(
                    "What was entered is not an email address. Go back and type one such as " + "alice@example.com.");
        }
        String domain = email.substring(email.indexOf('@') + 1);
        return Future.succeededFuture(new Identity("dev:" + email, email, true, domain, null));
    }

    @Override
    public void mount(Router router) {
        router.get(PAGE_PATH).handler(this::page);
    }

    private void page(RoutingContext ctx) {
        String state = ctx.request().getParam("state");
        if (state == null || state.isBlank()) {
            Html.send(
                    ctx.response(),
                    400,
                    "Sign-in link incomplete",
                    "<p class=\"error\">This sign-in page was opened without its <code>state</code> parameter, so it "
                            + "cannot continue a sign-in.</p>"
                            + "<p>Start again from the application that sent you here.</p>");
            return;
        }
        String domains = oauth.allowedDomains().isEmpty()
                ? ""
                : "<p class=\"muted\">Allowed domains: " + Html.escape(String.join(", ", oauth.allowedDomains()))
                        + "</p>";
        Html.send(
                ctx.response(),
                200,
                "Sign in (development)",
                "<p>This mcp-front runs with <code>identity: dev</code>: a local-only sign-in without a password, "
                        + "for development on this machine. Type the email address to sign in as.</p>"
                        + domains
                        + "<form method=\"post\" action=\"" + CALLBACK_PATH + "\">"
                        + "<input type=\"hidden\" name=\"state\" value=\"" + Html.escape(state) + "\">"
                        + "<label for=\"email\">Email address</label>"
                        + "<input type=\"email\" id=\"email\" name=\"email\" required autofocus>"
                        + "<div class=\"actions\"><button type=\"submit\" class=\"primary\">Sign in</button></div>"
                        + "</form>");
    }
}
