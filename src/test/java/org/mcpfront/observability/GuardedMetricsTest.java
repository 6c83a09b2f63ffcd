package org.mcpfront.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Vert.x may accept a connection before its HTTP server's metrics exist (they are made in a listener
 * of the bind that can run after the first accept). Such a connection has no socket metric; here every
 * connection is made to look like one, on a real server with the real Micrometer metrics.
 */
@DisplayName("Metrics never stop a request from being answered")
@Timeout(60)
class GuardedMetricsTest {

    private Vertx vertx;

    @AfterEach
    void close() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a request on a connection accepted before the server's metrics existed gets its answer")
    void connectionWithoutSocketMetric() throws Exception {
        Observability observability = new Observability();
        vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(observability.metricsOptions()))
                .withMetrics(factory(observability, GuardedMetricsTest::acceptedTooEarly))
                .build();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.response().end("answered"))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/health"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .get(20, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("answered");
    }

    @Test
    @DisplayName("requests on connections that have their metric are still counted")
    void countedAsBefore() throws Exception {
        Observability observability = new Observability();
        vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(observability.metricsOptions()))
                .withMetrics(observability.metricsFactory())
                .build();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.response().end("ok"))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(observability.registry().scrape()).containsPattern("vertx_http_server_requests_total\\{[^}]*} 1");
    }

    /**
     * Observability's wiring, with {@code beneath} between Micrometer and the guard, as the production
     * factory puts nothing there.
     */
    private static VertxMetricsFactory factory(Observability observability, UnaryOperator<VertxMetrics> beneath) {
        MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory(observability.registry());
        return new VertxMetricsFactory() {
            @Override
            public VertxMetrics metrics(VertxOptions options) {
                return new GuardedMetrics(beneath.apply(micrometer.metrics(options)), observability.registry());
            }

            @Override
            public MetricsOptions newOptions(MetricsOptions options) {
                return micrometer.newOptions(options);
            }

            @Override
            public MetricsOptions newOptions(JsonObject json) {
                return micrometer.newOptions(json);
            }
        };
    }

    /** Micrometer's metrics, except that no connection gets a socket metric: what Vert.x does in the window. */
    private static VertxMetrics acceptedTooEarly(VertxMetrics micrometer) {
        return delegating(
                VertxMetrics.class,
                micrometer,
                (method, call) -> method.getName().equals("createHttpServerMetrics")
                        ? delegating(
                                HttpServerMetrics.class,
                                call.invoke(),
                                (m, c) -> socketConnected(m) ? null : c.invoke())
                        : call.invoke());
    }

    /** {@code TCPMetrics.connected(remoteAddress, remoteName)}, which makes a connection's socket metric. */
    private static boolean socketConnected(Method method) {
        return method.getName().equals("connected") && method.getParameterCount() == 2;
    }

    private interface Call {
        Object invoke() throws Throwable;
    }

    private interface Interceptor {
        Object handle(Method method, Call call) throws Throwable;
    }

    private static <T> T delegating(Class<T> type, Object target, Interceptor interceptor) {
        return type.cast(Proxy.newProxyInstance(
                GuardedMetricsTest.class.getClassLoader(),
                new Class<?>[] {type},
                (self, method, args) -> interceptor.handle(method, () -> {
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                })));
    }
}
