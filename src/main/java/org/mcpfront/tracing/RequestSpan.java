package org.mcpfront.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** The span of one MCP request, or {@link #NONE} when tracing is off (every method then does nothing). */
public final class RequestSpan {

    public static final RequestSpan NONE = new RequestSpan(null);
    private static final Scope NO_SCOPE = () -> {};

    private final Span span;
    private boolean ended;

    RequestSpan(Span span) {
        this.span = span;
    }

    /**
     * Makes this span the current one on this thread until the scope closes, so that the backend request
     * sent within carries its {@code traceparent} ({@link Tracing#inject(RequestOptions)}).
     */
    public Scope makeCurrent() {
        return span == null ? NO_SCOPE : span.makeCurrent();
    }

    /** Writes this span's {@code traceparent} into a backend request. */
    public void inject(RequestOptions options) {
        if (span != null) {
            Tracing.inject(Context.root().with(span), options);
        }
    }

    /**
     * Ends the span with the outcome the response says: {@code ok}, {@code tool_error} ({@code isError} in a
     * tool's result) or {@code error} with its JSON-RPC code. Only a recorded span parses the response.
     */
    public void endWith(String rawResponse) {
        if (span == null || ended) {
            return;
        }
        if (!span.isRecording()) {
            end("ok", null);
            return;
        }
        try {
            JsonObject response = new JsonObject(rawResponse);
            if (response.getValue("error") instanceof JsonObject error) {
                end("error", error.getValue("code") instanceof Number n ? n.intValue() : null);
            } else if (response.getValue("result") instanceof JsonObject result
                    && Boolean.TRUE.equals(result.getValue("isError"))) {
                end("tool_error", null);
            } else {
                end("ok", null);
            }
        } catch (RuntimeException notJson) {
            end("error", null);
        }
    }

    /** Ends the span: {@code outcome} as the audit log names it, {@code errorCode} for a JSON-RPC error. */
    public void end(String outcome, Integer errorCode) {
        if (span == null || ended) {
            return;
        }
        ended = true;
        span.setAttribute("mcp_front.outcome", outcome);
        if (errorCode != null) {
            span.setAttribute("rpc.jsonrpc.error_code", errorCode.longValue());
        }
        if (!"ok".equals(outcome) && !"tool_error".equals(outcome)) {
            span.setStatus(StatusCode.ERROR, outcome);
        }
        span.end();
    }
}
