package org.mcpfront.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings mcp-front reads once, at start-up: the listener ({@code server.host}, {@code port},
 * {@code health_path}, {@code max_body_size}, {@code idle_timeout} and {@code read_timeout} are built
 * into the HTTP server and its router), the
 * cluster ({@code cluster.*}), the token store ({@code oauth.storage}, {@code oauth.redis_url}) and
 * the authorization server's identity (issuer, token lifetimes and the refresh grace, signing key,
 * identity provider: built into the signer and the sign-in at start). A reload keeps their running
 * values, so that no verticle sees a change that the rest of the process has not made, and reports them
 * as needing a restart.
 * {@code server.sse_keepalive}, {@code server.allowed_origins}, who may sign in
 * ({@code oauth.allowed_domains}, {@code oauth.allowed_emails}) and who is an admin ({@code oauth.admins})
 * are read per request and do reload.
 */
public final class StartupSettings {

    private static final Map<String, Function<FrontConfig, Object>> KEYS = keys();

    private StartupSettings() {}

    private static Map<String, Function<FrontConfig, Object>> keys() {
        Map<String, Function<FrontConfig, Object>> keys = new LinkedHashMap<>();
        keys.put("server.host", c -> c.server().host());
        keys.put("server.port", c -> c.server().port());
        keys.put("server.health_path", c -> c.server().healthPath());
        keys.put("server.max_body_size", c -> c.server().maxBodyBytes());
        keys.put("server.idle_timeout", c -> c.server().idleTimeout());
        keys.put("server.read_timeout", c -> c.server().readTimeout());
        keys.put("server.trusted_proxies", c -> c.server().trustedProxies());
        keys.put("server.trusted_proxy_header", c -> c.server().trustedProxyHeader());
        keys.put("cluster.enabled", c -> c.cluster().enabled());
        keys.put("cluster.hazelcast_config", c -> c.cluster().hazelcastConfig());
        keys.put("cluster.event_bus_port", c -> c.cluster().eventBusPort());
        keys.put("oauth.storage", c -> c.oauth().storage());
        keys.put("oauth.redis_url", c -> c.oauth().redisUrl());
        keys.put("oauth.issuer", c -> c.oauth().issuer());
        keys.put("oauth.token_ttl", c -> c.oauth().tokenTtl());
        keys.put("oauth.refresh_token_ttl", c -> c.oauth().refreshTokenTtl());
        keys.put("oauth.refresh_grace", c -> c.oauth().refreshGrace());
        keys.put("oauth.signing_key_file", c -> c.oauth().signingKeyFile());
        keys.put("oauth.identity", c -> c.oauth().identity());
        keys.put("oauth.google", c -> c.oauth().google());
        keys.put("oauth.unused_client_ttl", c -> c.oauth().unusedClientTtl());
        keys.put("oauth.limits", c -> c.oauth().limits());
        keys.put("observability", FrontConfig::observability);
        // The keys of users' service credentials are loaded once, into the cipher every instance shares.
        keys.put("credentials", FrontConfig::credentials);
        return keys;
    }

    /** The start-up keys whose value differs between the two configs, e.g. {@code server.port}. */
    public static List<String> changed(FrontConfig running, FrontConfig edited) {
        return KEYS.entrySet().stream()
                .filter(key -> !Objects.equals(
                        key.getValue().apply(running), key.getValue().apply(edited)))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** {@code edited} with the start-up settings of {@code running}. */
    public static FrontConfig keep(FrontConfig running, FrontConfig edited) {
        ServerConfig was = running.server();
        ServerConfig server = new ServerConfig(
                was.host(),
                was.port(),
                was.healthPath(),
                was.maxBodyBytes(),
                edited.server().sseKeepAlive(),
                edited.server().allowedOrigins(),
                edited.server().maxSessions(),
                edited.server().slowClientTimeout(),
                was.idleTimeout(),
                was.readTimeout(),
                was.trustedProxies(),
                was.trustedProxyHeader(),
                edited.server().streamMaxDuration());
        OAuthConfig o = edited.oauth();
        OAuthConfig r = running.oauth();
        OAuthConfig oauth = new OAuthConfig(
                r.issuer(),
                o.gcpProject(),
                o.allowedDomains(),
                o.allowedEmails(),
                o.admins(),
                r.tokenTtl(),
                r.refreshTokenTtl(),
                r.refreshGrace(),
                r.storage(),
                r.redisUrl(),
                r.signingKeyFile(),
                r.identity(),
                r.google(),
                r.unusedClientTtl(),
                r.limits());
        return new FrontConfig(
                oauth,
                edited.routes(),
                server,
                running.cluster(),
                running.observability(),
                edited.groups(),
                running.credentials());
    }
}
