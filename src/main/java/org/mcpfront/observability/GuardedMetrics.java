package org.mcpfront.observability;

import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
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

/**
 * Vert.x's metrics with one guard: the HTTP server's metrics accept a connection that has no socket
 * metric. Vert.x 5 creates a server's metrics in a listener of the bind that may run only after the
 * socket already accepts (when the thread that called listen is slow to attach it, as under CPU load
 * at start-up). A connection accepted in that window gets no socket metric, but its requests meet the
 * metrics that exist by then, and Micrometer's {@code requestBegin} throws on the missing metric: the
 * request is never answered. Here such a connection and its requests are simply not counted.
 */
final class GuardedMetrics implements VertxMetrics {

    private final VertxMetrics delegate;

    GuardedMetrics(VertxMetrics delegate) {
        this.delegate = delegate;
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
        HttpServerMetrics<?, ?, ?> metrics = delegate.createHttpServerMetrics(options, localAddress);
        return metrics == null ? null : new GuardedServerMetrics<>(metrics);
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

    /** Passes everything on, except calls about a connection or request that has no metric. */
    private static final class GuardedServerMetrics<R, W, S> implements HttpServerMetrics<R, W, S> {

        private final HttpServerMetrics<R, W, S> delegate;

        GuardedServerMetrics(HttpServerMetrics<R, W, S> delegate) {
            this.delegate = delegate;
        }

        @Override
        public R requestBegin(S socketMetric, HttpRequest request) {
            return socketMetric == null ? null : delegate.requestBegin(socketMetric, request);
        }

        @Override
        public void requestEnd(R requestMetric, HttpRequest request, long bytesRead) {
            if (requestMetric != null) {
                delegate.requestEnd(requestMetric, request, bytesRead);
            }
        }

        @Override
        public void requestReset(R requestMetric) {
            if (requestMetric != null) {
                delegate.requestReset(requestMetric);
            }
        }

        @Override
        public void responseBegin(R requestMetric, HttpResponse response) {
            if (requestMetric != null) {
                delegate.responseBegin(requestMetric, response);
            }
        }

        @Override
        public R responsePushed(S socketMetric, HttpMethod method, String uri, HttpResponse response) {
            return socketMetric == null ? null : delegate.responsePushed(socketMetric, method, uri, response);
        }

        @Override
        public void responseEnd(R requestMetric, HttpResponse response, long bytesWritten) {
            if (requestMetric != null) {
                delegate.responseEnd(requestMetric, response, bytesWritten);
            }
        }

        @Override
        public W connected(S socketMetric, R requestMetric, ServerWebSocket serverWebSocket) {
            return socketMetric == null ? null : delegate.connected(socketMetric, requestMetric, serverWebSocket);
        }

        @Override
        public void disconnected(W serverWebSocketMetric) {
            if (serverWebSocketMetric != null) {
                delegate.disconnected(serverWebSocketMetric);
            }
        }

        @Override
        public void requestRouted(R requestMetric, String route) {
            if (requestMetric != null) {
                delegate.requestRouted(requestMetric, route);
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
}
