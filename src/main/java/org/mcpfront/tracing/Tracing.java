package org.mcpfront.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mcpfront.protocol.Identity;

/**
 * OpenTelemetry traces of MCP requests, or nothing. Off (the default), {@link #start} hands out
 * {@link RequestSpan#NONE} without touching OpenTelemetry at all: no SDK is built, no span object made,
 * no header written. On ({@code observability.otlp_endpoint}), each request gets a span exported in
 * batches over OTLP/HTTP (protobuf, through the JDK's HttpClient), and HTTP backends get its
 * {@code traceparent}.
 */
public final class Tracing {

    private static final Tracing OFF = new Tracing(null, null);
    private static final TextMapSetter<RequestOptions> HEADERS = (options, name, value) -> {
        if (options != null) {
            options.putHeader(name, value);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(SdkTracerProvider provider, Tracer tracer) {
        this.provider = provider;
        this.tracer = tracer;
    }

    /** No traces. */
    public static Tracing off() {
        return OFF;
    }

    /**
     * Spans exported to the OTLP/HTTP collector at {@code endpoint} (its base URL; {@code /v1/traces} is
     * added), sampled at {@code sampleRatio} (children follow their parent's decision).
     */
    public static Tracing otlp(String endpoint, double sampleRatio) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(base + "/v1/traces")
                .setTimeout(Duration.ofSeconds(10))
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(Attributes.builder()
                                .put("service.name", Identity.NAME)
                                .put("service.version", Identity.VERSION)
                                .build())))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setScheduleDelay(Duration.ofSeconds(1))
                        .build())
                .build();
        return new Tracing(provider, provider.get(Identity.NAME, Identity.VERSION));
    }

    public boolean enabled() {
        return provider != null;
    }

    /**
     * A span for one client request, open until {@link RequestSpan#end}. Its attributes name the route,
     * the method, the tool of a {@code tools/call}, and the eras; never arguments or results.
     */
    public RequestSpan start(String route, String method, String tool, String clientEra, String backendEra) {
        if (tracer == null) {
            return RequestSpan.NONE;
        }
        var builder = tracer.spanBuilder(tool == null ? method : method + " " + tool)
                .setSpanKind(SpanKind.SERVER)
                .setNoParent()
                .setAttribute("mcp.method.name", method)
                .setAttribute("mcp_front.route", route)
                .setAttribute("mcp_front.client_era", clientEra)
                .setAttribute("mcp_front.backend_era", backendEra);
        if (tool != null) {
            builder.setAttribute("gen_ai.tool.name", tool).setAttribute("gen_ai.operation.name", "execute_tool");
        }
        return new RequestSpan(builder.startSpan());
    }

    /**
     * Writes the {@code traceparent} of the span current on this thread ({@link RequestSpan#makeCurrent})
     * into a backend request; nothing when no span is current.
     */
    public static void inject(RequestOptions options) {
        Context context = Context.current();
        if (context != Context.root()) {
            W3CTraceContextPropagator.getInstance().inject(context, options, HEADERS);
        }
    }

    static void inject(Context context, RequestOptions options) {
        W3CTraceContextPropagator.getInstance().inject(context, options, HEADERS);
    }

    /** Exports what is left and stops; waits at most 5 s. */
    public void close() {
        if (provider != null) {
            CompletableResultCode done = provider.shutdown();
            done.join(5, TimeUnit.SECONDS);
        }
    }
}
