package org.mcpfront.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Vert.x's metrics with one guard: the HTTP server's metrics accept a connection that has no socket
 * metric. Vert.x 5 creates a server's metrics in a listener of the bind that may run only after the
 * socket already accepts (when the thread that called listen is slow to attach it, as under CPU load
 * at start-up). A connection accepted in that window gets no socket metric, but its requests meet the
 * metrics that exist by then, and Micrometer's {@code requestBegin} throws on the missing metric: the
 * request is never answered. Here such a connection and its requests are simply not counted.
 *
 * <p>And one economy: requests are counted here rather than by Vert.x's Micrometer metrics
 * ({@link GuardedServerMetrics}).
 */
final class GuardedMetrics implements VertxMetrics {

    private final VertxMetrics delegate;
    private final ServerRequests requests;

    GuardedMetrics(VertxMetrics delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.requests = new ServerRequests(registry);
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
        HttpServerMetrics<?, ?, ?> metrics = delegate.createHttpServerMetrics(options, localAddress);
        return metrics == null ? null : new GuardedServerMetrics<>(metrics, requests);
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
        return delegate.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
        return delegate.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
        return delegate.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
        return delegate.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
        return delegate.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
        return delegate.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
        return delegate.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
        delegate.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
        return delegate.isMetricsEnabled();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /**
     * Connections and bytes go to Vert.x's metrics; requests are counted here, by method and status code,
     * with meters looked up once per pair. Vert.x's own request metrics look up (and allocate) their meters
     * for every request, a noticeable part of a proxied call's CPU (bench/RESULTS.md); the names are theirs,
     * so dashboards keep working. A request on a connection that has no socket metric is not counted.
     */
    private static final class GuardedServerMetrics<W, S> implements HttpServerMetrics<RequestMetric, W, S> {

        private final HttpServerMetrics<?, W, S> delegate;
        private final ServerRequests counted;

        GuardedServerMetrics(HttpServerMetrics<?, W, S> delegate, ServerRequests counted) {
            this.delegate = delegate;
            this.counted = counted;
        }

        @Override
        public RequestMetric requestBegin(S socketMetric, HttpRequest request) {
            if (socketMetric == null) {
                return null;
            }
            counted.active.incrementAndGet();
            return new RequestMetric(request.method());
        }

        @Override
        public void requestReset(RequestMetric requestMetric) {
            if (requestMetric != null && requestMetric.done()) {
                counted.active.decrementAndGet();
            }
        }

        @Override
        public void responseEnd(RequestMetric requestMetric, HttpResponse response, long bytesWritten) {
            if (requestMetric != null && requestMetric.done()) {
                counted.active.decrementAndGet();
                counted.answered(requestMetric.method, response.statusCode());
            }
        }

        @Override
        public S connected(SocketAddress remoteAddress, String remoteName) {
            return delegate.connected(remoteAddress, remoteName);
        }

        @Override
        public void disconnected(S socketMetric, SocketAddress remoteAddress) {
            if (socketMetric != null) {
                delegate.disconnected(socketMetric, remoteAddress);
            }
        }

        @Override
        public void bytesRead(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
            if (socketMetric != null) {
                delegate.bytesRead(socketMetric, remoteAddress, numberOfBytes);
            }
        }

        @Override
        public void bytesWritten(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
            if (socketMetric != null) {
                delegate.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
            }
        }

        @Override
        public void exceptionOccurred(S socketMetric, SocketAddress remoteAddress, Throwable t) {
            if (socketMetric != null) {
                delegate.exceptionOccurred(socketMetric, remoteAddress, t);
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** The requests of every HTTP server of this Vert.x: in flight, and answered by method and status code. */
    private static final class ServerRequests {
        private static final List<HttpMethod> METHODS = List.of(
                HttpMethod.GET,
                HttpMethod.POST,
                HttpMethod.DELETE,
                HttpMethod.OPTIONS,
                HttpMethod.HEAD,
                HttpMethod.PUT);

        private final MeterRegistry registry;
        private final AtomicInteger active = new AtomicInteger();
        private final ConcurrentHashMap<Integer, Counter> answered = new ConcurrentHashMap<>();

        ServerRequests(MeterRegistry registry) {
            this.registry = registry;
            Gauge.builder("vertx.http.server.active.requests", active, AtomicInteger::get)
                    .description("Number of requests being processed")
                    .register(registry);
        }

        void answered(HttpMethod method, int code) {
            int index = METHODS.indexOf(method);
            answered.computeIfAbsent(
                            index * 1000 + code,
                            k -> Counter.builder("vertx.http.server.requests")
                                    .description("Number of processed requests")
                                    .tag(
                                            "method",
                                            index < 0
                                                    ? "OTHER"
                                                    : METHODS.get(index).name())
                                    .tag("code", Integer.toString(code))
                                    .register(registry))
                    .increment();
        }
    }

    /** One request in flight; ended once, by its response or by a reset. */
    static final class RequestMetric {
        private final HttpMethod method;
        private boolean ended;

        RequestMetric(HttpMethod method) {
            this.method = method;
        }

        boolean done() {
            if (ended) {
                return false;
            }
            ended = true;
            return true;
        }
    }
}
