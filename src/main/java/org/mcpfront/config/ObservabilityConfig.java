package org.mcpfront.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code observability:} section: where traces go. Without {@code otlp_endpoint} there are none, and
 * no OpenTelemetry SDK is started.
 *
 * @param otlpEndpoint an OTLP/HTTP collector's base URL ({@code /v1/traces} is added)
 * @param sampleRatio  the share of requests traced, 0 to 1; every request starts its own trace, since a
 *                     client's {@code traceparent} is not to be trusted (a client could force every request
 *                     into the collector by claiming a sampled parent)
 */
public record ObservabilityConfig(Optional<URI> otlpEndpoint, double sampleRatio) {

    public static final ObservabilityConfig OFF = new ObservabilityConfig(Optional.empty(), 1.0);

    static final List<String> KEYS = List.of("otlp_endpoint", "sample_ratio");

    static ObservabilityConfig parse(Section s) {
        s.allowOnly(KEYS);
        Optional<URI> endpoint = s.value("otlp_endpoint", ObservabilityConfig::endpoint);
        double ratio = s.value("sample_ratio", ObservabilityConfig::ratio).orElse(1.0);
        return new ObservabilityConfig(endpoint, ratio);
    }

    private static URI endpoint(String value) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw notCollector(value);
        }
        boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!http || uri.getHost() == null || uri.getRawQuery() != null) {
            throw notCollector(value);
        }
        return uri;
    }

    private static IllegalArgumentException notCollector(String value) {
        return new IllegalArgumentException(Problems.quote(value) + " is not an http(s) URL of an OTLP collector, "
                + "e.g. http://otel-collector:4318");
    }

    private static double ratio(String value) {
        double ratio;
        try {
            ratio = Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw notRatio(value);
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw notRatio(value);
        }
        return ratio;
    }

    private static IllegalArgumentException notRatio(String value) {
        return new IllegalArgumentException(Problems.quote(value) + " is not a number from 0 to 1");
    }
}
