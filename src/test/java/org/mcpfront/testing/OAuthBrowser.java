package org.mcpfront.testing;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mcpfront.crypto.Secrets;

/**
 * A person with a browser, in plain HTTP: follows mcp-front's authorization flow one hop at a time
 * (cookies kept, redirects not followed automatically) so that tests can look at every step; plus
 * the token, registration and revocation calls an OAuth client makes.
 */
public final class OAuthBrowser {

    private static final Pattern HIDDEN =
            Pattern.compile("<input type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\">");

    private final String issuer;
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public OAuthBrowser(String issuer) {
        this.issuer = issuer;
    }

    /** One authorization in progress: the client's PKCE verifier and state. */
    public record Authorization(String clientId, String redirectUri, String verifier, String state, String url) {}

    public HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public HttpResponse<String> postForm(String url, Map<String, String> form) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    public HttpResponse<String> postJson(String url, JsonObject body) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
    }

    /** Registers a public client with one redirect URI; returns its client_id. */
    public String register(String redirectUri) {
        HttpResponse<String> response = postJson(
                issuer + "/register",
                new JsonObject()
                        .put("client_name", "Test Client")
                        .put("redirect_uris", new io.vertx.core.json.JsonArray().add(redirectUri))
                        .put("token_endpoint_auth_method", "none")
                        .put(
                                "grant_types",
                                new io.vertx.core.json.JsonArray()
                                        .add("authorization_code")
                                        .add("refresh_token")));
        if (response.statusCode() != 201) {
            throw new AssertionError("registration failed: " + response.statusCode() + " " + response.body());
        }
        return new JsonObject(response.body()).getString("client_id");
    }

    /** The authorize URL a client would open, with a fresh PKCE pair and state. */
    public Authorization authorization(String clientId, String redirectUri, String... resources) {
        String verifier = Secrets.random() + Secrets.random();
        String state = Secrets.random();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put(
                "code_challenge",
                CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier))
                        .getValue());
        params.put("code_challenge_method", "S256");
        params.put("state", state);
        String url = issuer + "/authorize?" + encode(params);
        for (String resource : resources) {
            url += "&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8);
        }
        return new Authorization(clientId, redirectUri, verifier, state, url);
    }

    /**
     * Opens the authorize URL and signs in: on the dev page with {@code email}, or through the Google
     * stand-in (whose user the test enqueued) when {@code email} is null. Returns the page after the
     * callback: the consent page, or a refusal.
     */
    public HttpResponse<String> signIn(Authorization authorization, String email) {
        HttpResponse<String> response = get(authorization.url());
        expectStatus(response, 302, "authorize");
        String location = location(response);
        if (email != null) {
            HttpResponse<String> page = get(location);
            expectStatus(page, 200, "dev sign-in page");
            return postForm(
                    issuer + "/oauth/callback",
                    Map.of("state", hidden(page.body()).get("state"), "email", email));
        }
        // The Google stand-in answers the authorization at once with a redirect to our callback.
        HttpResponse<String> google = get(location);
        expectStatus(google, 302, "Google stand-in");
        return get(location(google));
    }

    /** Answers the consent page; returns the redirect to the client. */
    public HttpResponse<String> consent(HttpResponse<String> consentPage, String decision) {
        Map<String, String> form = new LinkedHashMap<>(hidden(consentPage.body()));
        form.put("decision", decision);
        return postForm(issuer + "/consent", form);
    }

    /** Signs in, allows, and returns the code after checking state and iss. */
    public String authorize(Authorization authorization, String email) {
        HttpResponse<String> consentPage = signIn(authorization, email);
        expectStatus(consentPage, 200, "consent page");
        HttpResponse<String> back = consent(consentPage, "allow");
        expectStatus(back, 303, "consent answer");
        Map<String, String> query = query(location(back));
        if (!authorization.state().equals(query.get("state")) || !issuer.equals(query.get("iss"))) {
            throw new AssertionError("the redirect lacks our state or iss: " + location(back));
        }
        return query.get("code");
    }

    public HttpResponse<String> exchange(Authorization authorization, String code) {
        return postForm(
                issuer + "/token",
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "redirect_uri",
                        authorization.redirectUri(),
                        "code_verifier",
                        authorization.verifier(),
                        "client_id",
                        authorization.clientId()));
    }

    public HttpResponse<String> refresh(String clientId, String refreshToken) {
        return postForm(
                issuer + "/token",
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId));
    }

    public HttpResponse<String> revoke(String clientId, String token) {
        return postForm(issuer + "/revoke", Map.of("token", token, "client_id", clientId));
    }

    /** The whole dance for a dev user: register, authorize, exchange; the token response. */
    public JsonObject tokens(String redirectUri, String email, String... resources) {
        String clientId = register(redirectUri);
        Authorization authorization = authorization(clientId, redirectUri, resources);
        HttpResponse<String> response = exchange(authorization, authorize(authorization, email));
        expectStatus(response, 200, "token");
        return new JsonObject(response.body()).put("client_id", clientId);
    }

    public static String location(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location in a " + response.statusCode() + " answer"));
    }

    public static Map<String, String> query(String url) {
        String query = URI.create(url).getRawQuery();
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return params;
    }

    public static Map<String, String> hidden(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = HIDDEN.matcher(html);
        while (matcher.find()) {
            fields.put(matcher.group(1), matcher.group(2).replace("&amp;", "&"));
        }
        return fields;
    }

    private static void expectStatus(HttpResponse<String> response, int status, String step) {
        if (response.statusCode() != status) {
            throw new AssertionError(
                    step + ": expected HTTP " + status + ", got " + response.statusCode() + "\n" + response.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
