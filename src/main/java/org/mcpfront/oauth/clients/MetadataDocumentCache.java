package org.mcpfront.oauth.clients;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checked client metadata documents, kept as long as their response's cache headers allow (a private
 * cache in RFC 9111's sense), at most {@link #CACHE_ENTRIES} of them. Thread-safe: several verticles share it.
 */
final class MetadataDocumentCache {

    static final int CACHE_ENTRIES = 1_000;
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    static final Duration MAX_LIFETIME = Duration.ofHours(24);

    private record Cached(RegisteredClient client, long expiresAtNanos) {}

    /** Insertion order, so the eldest entry is the oldest fetch; guarded by itself. */
    private final Map<String, Cached> cache = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    /** The client checked from {@code url}'s document while its lifetime lasts; else null. */
    RegisteredClient get(String url) {
        synchronized (cache) {
            Cached entry = cache.get(url);
            if (entry == null) {
                return null;
            }
            if (System.nanoTime() - entry.expiresAtNanos() >= 0) {
                cache.remove(url);
                return null;
            }
            return entry.client();
        }
    }

    /** Keeps {@code client} for as long as the response {@code headers} allow (not at all if they forbid it). */
    void put(String url, RegisteredClient client, MultiMap headers, Instant now) {
        lifetime(headers, now).ifPresent(lifetime -> {
            synchronized (cache) {
                // Remove first so that a refreshed entry moves to the young end of the eviction order.
                cache.remove(url);
                cache.put(url, new Cached(client, System.nanoTime() + lifetime.toNanos()));
            }
        });
    }

    /**
     * How long a response may be reused (RFC 9111, as a private cache): {@code no-store} and
     * {@code no-cache} mean not at all, {@code max-age} wins over {@code Expires}, and a response
     * without either is kept for {@link #DEFAULT_LIFETIME}. Never longer than {@link #MAX_LIFETIME}.
     */
    static Optional<Duration> lifetime(MultiMap headers, Instant now) {
        Long maxAge = null;
        for (String header : headers.getAll(HttpHeaders.CACHE_CONTROL)) {
            for (String directive : header.split(",")) {
                String d = directive.trim().toLowerCase(Locale.ROOT);
                if (d.equals("no-store") || d.equals("no-cache")) {
                    return Optional.empty();
                }
                if (d.startsWith("max-age=")) {
                    maxAge = seconds(d.substring("max-age=".length()));
                }
            }
        }
        if (maxAge != null) {
            return capped(Duration.ofSeconds(maxAge));
        }
        String expires = headers.get(HttpHeaders.EXPIRES);
        if (expires != null) {
            Optional<Instant> at = httpDate(expires);
            Instant base = Optional.ofNullable(headers.get(HttpHeaders.DATE))
                    .flatMap(MetadataDocumentCache::httpDate)
                    .orElse(now);
            // An Expires that does not parse means "already expired" (RFC 9111 section 5.3).
            return at.isEmpty() ? Optional.empty() : capped(Duration.between(base, at.get()));
        }
        return Optional.of(DEFAULT_LIFETIME);
    }

    /** Delta-seconds; anything malformed counts as 0 (do not reuse), anything huge as the cap. */
    private static long seconds(String value) {
        String digits = value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
                ? value.substring(1, value.length() - 1)
                : value;
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return digits.length() > 9 ? MAX_LIFETIME.toSeconds() : Long.parseLong(digits);
    }

    private static Optional<Duration> capped(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            return Optional.empty();
        }
        return Optional.of(lifetime.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : lifetime);
    }

    private static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
