package org.mcpfront.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A stand-in for an OpenTelemetry collector: accepts OTLP/HTTP protobuf at {@code /v1/traces} on a free
 * loopback port, as a collector (or Cloud Trace's OTLP endpoint) would, and keeps the spans it was sent,
 * decoded with the opentelemetry-proto classes.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One received span: its name, trace and parent ids (hex), attributes as strings, status code. */
    public record ReceivedSpan(
            String name,
            String traceId,
            String spanId,
            String parentSpanId,
            Map<String, String> attributes,
            String service,
            int statusCode) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    receiver.contentTypes.add(
                            String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                    receiver.take(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
                    exchange.sendResponseHeaders(200, -1);
                } catch (IOException | RuntimeException e) {
                    exchange.sendResponseHeaders(400, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, as {@code observability.otlp_endpoint} names it. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void take(ExportTraceServiceRequest request) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(kv -> kv.getKey().equals("service.name"))
                    .map(kv -> kv.getValue().getStringValue())
                    .findFirst()
                    .orElse(null);
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    spans.add(new ReceivedSpan(
                            span.getName(),
                            hex(span.getTraceId().toByteArray()),
                            hex(span.getSpanId().toByteArray()),
                            hex(span.getParentSpanId().toByteArray()),
                            span.getAttributesList().stream()
                                    .collect(Collectors.toMap(KeyValue::getKey, OtlpReceiver::text, (a, b) -> b)),
                            service,
                            span.getStatus().getCodeValue()));
                }
            }
        }
    }

    private static String text(KeyValue kv) {
        var value = kv.getValue();
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString();
        };
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    public List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    /** Waits up to 30 s for a span that {@code matches}; fails naming what did arrive. */
    public ReceivedSpan await(Predicate<ReceivedSpan> matches, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ReceivedSpan span : spans) {
                if (matches.test(span)) {
                    return span;
                }
            }
            FreePorts.sleep(100);
        }
        throw new AssertionError("no span " + what + " arrived; got " + spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
