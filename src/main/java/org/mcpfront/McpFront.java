package org.mcpfront;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.mcpfront.bus.Addresses;
import org.mcpfront.bus.BusCodec;
import org.mcpfront.cluster.Clustering;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.config.OAuthConfig;
import org.mcpfront.config.RouteConfig;
import org.mcpfront.config.ServerConfig;
import org.mcpfront.config.reload.ConfigVerticle;
import org.mcpfront.credentials.CredentialCipher;
import org.mcpfront.credentials.CredentialStore;
import org.mcpfront.credentials.UserCredentials;
import org.mcpfront.edge.EdgeConfig;
import org.mcpfront.edge.EdgeVerticle;
import org.mcpfront.edge.Health;
import org.mcpfront.health.BackendProbes;
import org.mcpfront.identity.IdentityProviders;
import org.mcpfront.identity.IdentityServices;
import org.mcpfront.identity.backend.BackendIdentity;
import org.mcpfront.net.BackendClients;
import org.mcpfront.oauth.AuthorizationServer;
import org.mcpfront.oauth.SigningKeys;
import org.mcpfront.oauth.clients.ClientMetadataDocuments;
import org.mcpfront.observability.GatewayMetrics;
import org.mcpfront.observability.Observability;
import org.mcpfront.protocol.BackendEras;
import org.mcpfront.protocol.RequestStates;
import org.mcpfront.status.StatusVerticle;
import org.mcpfront.storage.Store;
import org.mcpfront.storage.Stores;
import org.mcpfront.supervisor.Membership;
import org.mcpfront.supervisor.SupervisorConfig;
import org.mcpfront.supervisor.SupervisorVerticle;
import org.mcpfront.tracing.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running mcp-front: builds Vert.x, loads the token signing key and the identity provider, deploys
 * the verticles in order (supervisor, edges, config watcher), and takes them down in the reverse order
 * so sessions drain before Vert.x closes.
 */
public final class McpFront {

    private static final Logger log = LoggerFactory.getLogger(McpFront.class);
    /** What the key that seals mcp-front's MRTR request states is derived for (from the signing key). */
    private static final String REQUEST_STATE_PURPOSE = "mcp-front request state v1";

    private final Vertx vertx;
    private final Store store;
    private final HttpClient probes;
    private final List<String> deployments;
    private final int port;
    private final Tracing tracing;

    private McpFront(Vertx vertx, Store store, HttpClient probes, List<String> deployments, int port, Tracing tracing) {
        this.tracing = tracing;
        this.vertx = vertx;
        this.store = store;
        this.probes = probes;
        this.deployments = deployments;
        this.port = port;
    }

    /**
     * Options for a start; tests shorten the file poll interval, and may let client metadata documents
     * be served from loopback (never possible from a config file).
     */
    public record Options(
            Path configFile,
            Map<String, String> env,
            int edgeInstances,
            Duration configPollInterval,
            ClientMetadataDocuments.Policy documentPolicy) {

        /** The system property that lets tests serve client metadata documents on loopback http. */
        public static final String LOOPBACK_DOCUMENTS_PROPERTY = "mcpfront.testing.loopback-client-metadata";

        public static Options defaults(Path configFile, Map<String, String> env) {
            boolean loopbackDocuments = Boolean.getBoolean(LOOPBACK_DOCUMENTS_PROPERTY);
            return new Options(
                    configFile,
                    env,
                    Runtime.getRuntime().availableProcessors(),
                    Duration.ofMillis(500),
                    new ClientMetadataDocuments.Policy(loopbackDocuments));
        }
    }

    public static Future<McpFront> start(FrontConfig config, Options options) {
        Observability observability = new Observability();
        VertxOptions vertxOptions = new VertxOptions().setMetricsOptions(observability.metricsOptions());
        if (!config.cluster().enabled()) {
            Vertx vertx = Vertx.builder()
                    .with(vertxOptions)
                    .withMetrics(observability.metricsFactory())
                    .build();
            return deploy(vertx, config, options, observability, null);
        }
        Clustering clustering;
        try {
            clustering = Clustering.of(config.cluster(), config.oauth().issuer());
        } catch (IllegalStateException e) {
            return Future.failedFuture(e);
        }
        vertxOptions.setEventBusOptions(clustering.eventBusOptions());
        return Vertx.builder()
                .with(vertxOptions)
                .withMetrics(observability.metricsFactory())
                .withClusterManager(clustering.manager())
                .buildClustered()
                .compose(vertx -> {
                    log.atInfo()
                            .addKeyValue(
                                    "members",
                                    clustering
                                            .membership()
                                            .getJsonArray("members")
                                            .size())
                            .log("joined the cluster");
                    clustering.logMembership();
                    return deploy(vertx, config, options, observability, clustering);
                });
    }

    private static Future<McpFront> deploy(
            Vertx vertx, FrontConfig config, Options options, Observability observability, Clustering clustering) {
        // Every verticle sends typed messages; their codec is registered once, before any verticle runs.
        BusCodec.register(vertx);
        // Off unless observability.otlp_endpoint is set: then, and only then, the OpenTelemetry SDK starts.
        Tracing tracing = config.observability()
                .otlpEndpoint()
                .map(endpoint ->
                        Tracing.otlp(endpoint.toString(), config.observability().sampleRatio()))
                .orElse(Tracing.off());
        GatewayMetrics metrics = new GatewayMetrics(observability.registry(), tracing);
        Store store = Stores.create(vertx, config.oauth());
        // Users' own service credentials (routes[].credential): refused at start when a key cannot be read.
        UserCredentials credentials;
        try {
            credentials = config.credentials().keys().isEmpty()
                    ? null
                    : new UserCredentials(
                            vertx,
                            new CredentialStore(store, CredentialCipher.load(config.credentials(), options.env())),
                            () -> config.oauth().issuer(),
                            metrics,
                            Clock.systemUTC());
        } catch (IllegalStateException e) {
            tracing.close();
            return store.close().transform(v -> vertx.close()).transform(v -> Future.failedFuture(e));
        }
        // What a revoked grant's credentials are looked up by: the routes in force.
        AtomicReference<List<RouteConfig>> routesNow = new AtomicReference<>(config.routes());
        vertx.eventBus()
                .<FrontConfig>localConsumer(
                        Addresses.CONFIG_CHANGED, m -> routesNow.set(m.body().routes()));
        AtomicReference<BackendIdentity> backendIdentity = new AtomicReference<>();
        Health health = new Health(store, clustering, metrics.backends());
        HttpClient probes = BackendClients.create(vertx);
        List<String> deployments = new ArrayList<>();
        List<EdgeVerticle> edges = new ArrayList<>();
        int edgeInstances = Math.max(1, options.edgeInstances());
        if (options.documentPolicy().allowLoopbackHttp()) {
            log.warn("client metadata documents may be fetched from loopback http: a testing allowance, never for "
                    + "production");
        }
        // The authorization server's parts first (signing key, identity provider), then the
        // supervisor, the edges that serve requests, and last the config watcher.
        // Made with the signing key below; the era probe, which needs what it tells backends, runs only after start.
        AtomicReference<IdentityServices> services = new AtomicReference<>();
        BackendEras eras =
                new BackendEras(probes, route -> backendIdentity.get().probeHeaders(route));
        return SigningKeys.load(vertx, config.oauth(), store)
                .compose(keys -> IdentityServices.start(vertx, config.oauth(), store)
                        .onSuccess(started -> {
                            services.set(started);
                            backendIdentity.set(
                                    credentials == null
                                            ? started.backendIdentity()
                                            : started.backendIdentity().withCredentials(credentials));
                        })
                        .compose(started -> IdentityProviders.start(vertx, config.oauth()))
                        .map(identity -> AuthorizationServer.Shared.create(
                                store,
                                keys,
                                config.oauth(),
                                identity,
                                options.documentPolicy(),
                                services.get().memberships(),
                                services.get().assertionKey().publicJson()))
                        .map(oauth -> credentials == null
                                ? oauth
                                : oauth.onGrantRevoked(subject -> credentials.revoked(subject, routesNow.get())))
                        .map(oauth -> Map.entry(
                                oauth,
                                new RequestStates(keys.derivedSecret(REQUEST_STATE_PURPOSE), Clock.systemUTC()))))
                .compose(shared -> vertx.deployVerticle(new SupervisorVerticle(
                                        SupervisorConfig.of(config),
                                        metrics,
                                        eras,
                                        shared.getValue(),
                                        backendIdentity.get(),
                                        store,
                                        Membership.of(clustering == null ? null : clustering.manager()))
                                .keepStreamsIn(vertx.isClustered() ? store : null)
                                .keepFacts(vertx.isClustered()
                                        || config.oauth().storage() != OAuthConfig.StorageKind.MEMORY))
                        .compose(id -> {
                            deployments.add(id);
                            EdgeVerticle.Protocols protocols = new EdgeVerticle.Protocols(
                                    eras, shared.getValue(), store, metrics, backendIdentity.get(), credentials);
                            return vertx.deployVerticle(
                                    () -> {
                                        EdgeVerticle edge = new EdgeVerticle(
                                                EdgeConfig.of(shareablePort(config, edgeInstances)),
                                                observability.scrapeHandler(),
                                                health,
                                                shared.getKey(),
                                                protocols);
                                        edges.add(edge);
                                        return edge;
                                    },
                                    new DeploymentOptions().setInstances(edgeInstances));
                        }))
                .compose(id -> {
                    deployments.add(id);
                    return vertx.deployVerticle(new BackendProbes(config, metrics, eras, backendIdentity.get()));
                })
                .compose(id -> {
                    deployments.add(id);
                    return vertx.deployVerticle(new StatusVerticle(config, metrics, eras, clustering));
                })
                .compose(id -> {
                    deployments.add(id);
                    return vertx.deployVerticle(new ConfigVerticle(
                            options.configFile(), options.env(), config, options.configPollInterval()));
                })
                .map(id -> {
                    deployments.add(id);
                    return new McpFront(
                            vertx, store, probes, deployments, edges.get(0).actualPort(), tracing);
                })
                .onFailure(e -> {
                    tracing.close();
                    vertx.close();
                });
    }

    /**
     * Port 0 asks for any free port; Vert.x gives each edge instance its own unless the port is
     * negative, which makes the instances share one random port.
     */
    private static FrontConfig shareablePort(FrontConfig config, int instances) {
        if (config.server().port() != 0 || instances == 1) {
            return config;
        }
        var server = config.server();
        return new FrontConfig(
                config.oauth(),
                config.routes(),
                new ServerConfig(
                        server.host(),
                        -1,
                        server.healthPath(),
                        server.maxBodyBytes(),
                        server.sseKeepAlive(),
                        server.allowedOrigins(),
                        server.maxSessions(),
                        server.slowClientTimeout(),
                        server.idleTimeout(),
                        server.readTimeout(),
                        server.trustedProxies(),
                        server.trustedProxyHeader(),
                        server.streamMaxDuration()),
                config.cluster(),
                config.observability(),
                config.groups(),
                config.credentials());
    }

    public int port() {
        return port;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Stops accepting, drains sessions, then closes Vert.x. */
    public Future<Void> stop() {
        Future<Void> chain = Future.succeededFuture();
        for (int i = deployments.size() - 1; i >= 0; i--) {
            String id = deployments.get(i);
            chain = chain.compose(v -> vertx.undeploy(id)).recover(e -> {
                log.atWarn().addKeyValue("reason", e.getMessage()).log("undeploy failed during shutdown");
                return Future.succeededFuture();
            });
        }
        // The spans of the drained sessions are exported last.
        return chain.compose(v -> probes.close())
                .compose(v -> store.close())
                .compose(v -> vertx.close())
                .andThen(done -> tracing.close());
    }
}
