package org.mcpfront.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mcpfront.config.RouteConfig.BackendProtocol;
import org.mcpfront.net.AddressRange;

/**
 * The value parsers of the config: each returns its typed value or throws an {@link IllegalArgumentException}
 * whose message quotes the bad value and says what would do ({@link Section} adds the key path).
 */
final class ConfigValues {

    /** Proxies and load balancers commonly drop a stream that has been idle for 30 s; 25 s leaves a margin. */
    static final Duration MAX_SSE_KEEPALIVE = Duration.ofSeconds(25);

    static final Duration MAX_REFRESH_GRACE = Duration.ofMinutes(10);

    private static final Pattern PATH = Pattern.compile("(?:/[A-Za-z0-9._-]+)+");
    private static final Pattern DOMAIN =
            Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ConfigValues() {}

    static String issuer(String value) {
        URI uri = httpUrl(value);
        if (value.endsWith("/")) {
            throw invalid(Problems.quote(value) + " must not end with a slash (clients compare the issuer exactly)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(Problems.quote(value) + " must not have a query or fragment");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            throw invalid(Problems.quote(value) + " must be an origin only (scheme://host[:port]): mcp-front serves "
                    + "its OAuth endpoints and routes at the root of that origin");
        }
        return value;
    }

    static boolean local(String issuer) {
        URI uri = URI.create(issuer);
        return "http".equalsIgnoreCase(uri.getScheme())
                && ("localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()));
    }

    /**
     * Whether a listener on {@code host} is reachable from this machine only: {@code localhost}, or an
     * address literal in 127.0.0.0/8 or {@code ::1}. Any other name could resolve to anything.
     */
    static boolean loopbackHost(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        return AddressRange.literal(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    static URI httpUrl(String value) {
        URI uri = uri(value).orElse(null);
        if (uri == null || uri.getHost() == null || !schemeIn(uri, "http", "https")) {
            throw invalid(Problems.quote(value) + " is not an absolute http:// or https:// URL");
        }
        return uri;
    }

    /** The value is not quoted: a Redis URL may carry a password. */
    static String redisUrl(String value) {
        URI uri = uri(value).orElse(null);
        if (uri == null || uri.getHost() == null || !schemeIn(uri, "redis", "rediss")) {
            throw invalid("is not a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379");
        }
        return value;
    }

    /** The URI {@code value} spells, if any; callers say what kind of URL they expected. */
    private static Optional<URI> uri(String value) {
        try {
            return Optional.of(new URI(value));
        } catch (URISyntaxException notAUri) {
            return Optional.empty();
        }
    }

    private static boolean schemeIn(URI uri, String... schemes) {
        return uri.getScheme() != null && Arrays.stream(schemes).anyMatch(uri.getScheme()::equalsIgnoreCase);
    }

    static String origin(String value) {
        URI uri = uri(value).orElse(null);
        if (uri == null
                || uri.getHost() == null
                || !schemeIn(uri, "http", "https")
                || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || !(uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw invalid(Problems.quote(value) + " is not an origin (scheme://host[:port], e.g. https://claude.ai)");
        }
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    static String domain(String value) {
        String domain = value.strip().toLowerCase(Locale.ROOT);
        domain = domain.startsWith("@") ? domain.substring(1) : domain;
        if (domain.contains("@")) {
            throw invalid(Problems.quote(value) + " is an email address; list it in oauth.allowed_emails");
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw invalid(Problems.quote(value) + " is not a domain name, e.g. example.com");
        }
        return domain;
    }

    static String email(String value) {
        String email = value.strip().toLowerCase(Locale.ROOT);
        int at = email.indexOf('@');
        if (at <= 0
                || at != email.lastIndexOf('@')
                || email.chars().anyMatch(Character::isWhitespace)
                || !DOMAIN.matcher(email.substring(at + 1)).matches()) {
            throw invalid(Problems.quote(value) + " is not an email address, e.g. someone@example.com");
        }
        return email;
    }

    static String routePath(String value) {
        if (!value.startsWith("/")) {
            throw invalid(Problems.quote(value) + " must start with /, e.g. /notion");
        }
        if (value.length() > 1 && value.endsWith("/")) {
            throw invalid(Problems.quote(value) + " must not end with /");
        }
        boolean dotSegment = Arrays.stream(value.substring(1).split("/")).anyMatch(ConfigValues::dots);
        if (!PATH.matcher(value).matches() || dotSegment) {
            throw invalid(Problems.quote(value) + " is not a route path: use one or more /segments of letters, "
                    + "digits, '.', '_' and '-' (not . or ..), e.g. /notion or /team/db");
        }
        return value;
    }

    private static boolean dots(String segment) {
        return segment.equals(".") || segment.equals("..");
    }

    static String healthPath(String value) {
        if (!value.startsWith("/")) {
            throw invalid(Problems.quote(value) + " must start with /, e.g. /health");
        }
        if (!PATH.matcher(value).matches()) {
            throw invalid(Problems.quote(value) + " is not a path: use /segments of letters, digits, '.', '_' and '-'");
        }
        for (String own : ReservedPaths.ALL) {
            if (!own.equals(ReservedPaths.DEFAULT_HEALTH) && ReservedPaths.overlap(value, own)) {
                throw invalid(Problems.quote(value) + " is taken by mcp-front's own " + own + " endpoint");
            }
        }
        return value;
    }

    static String host(String value) {
        if (value.isBlank()) {
            throw invalid("must not be empty (use 127.0.0.1 for this machine only, 0.0.0.0 for every interface)");
        }
        return value;
    }

    static int port(String value) {
        String digits = value.strip();
        if (digits.matches("\\d{1,5}") && Integer.parseInt(digits) <= 65535) {
            return Integer.parseInt(digits);
        }
        throw invalid(Problems.quote(value) + " is not a port number (1-65535, or 0 for any free port)");
    }

    static int positiveCount(String value) {
        String digits = value.strip();
        if (digits.matches("\\d{1,7}") && Integer.parseInt(digits) > 0) {
            return Integer.parseInt(digits);
        }
        throw invalid(Problems.quote(value) + " is not a positive whole number");
    }

    static int count(String value) {
        String digits = value.strip();
        if (digits.matches("\\d{1,7}")) {
            return Integer.parseInt(digits);
        }
        throw invalid(Problems.quote(value) + " is not a whole number (0 or more)");
    }

    static boolean bool(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(Problems.quote(value) + " is not true or false");
        };
    }

    static Duration positiveDuration(String value) {
        Duration duration = Durations.parse(value);
        if (duration.isZero()) {
            throw invalid(Problems.quote(value) + " must be longer than 0");
        }
        return duration;
    }

    /** {@code 20/1h}: a positive count, a slash, a positive duration. */
    static RateLimit rateLimit(String value) {
        String[] parts = value.strip().split("/", 2);
        if (parts.length != 2 || !parts[0].strip().matches("\\d{1,9}") || Integer.parseInt(parts[0].strip()) == 0) {
            throw invalid(Problems.quote(value) + " is not a rate limit: a count and a window, e.g. 20/1h or 60/1m");
        }
        try {
            return new RateLimit(Integer.parseInt(parts[0].strip()), positiveDuration(parts[1].strip()));
        } catch (IllegalArgumentException e) {
            throw invalid(
                    Problems.quote(value) + " is not a rate limit: the window after / must be a duration such as 1h");
        }
    }

    static Duration refreshGrace(String value) {
        Duration grace = Durations.parse(value);
        if (grace.compareTo(MAX_REFRESH_GRACE) > 0) {
            throw invalid(Problems.quote(value) + " is too long: at most 10m, because a client retries a lost refresh "
                    + "within seconds, and for as long as this lasts a stolen refresh token presented again gets the "
                    + "new pair "
                    + "instead of revoking the grant (0 turns the grace off)");
        }
        return grace;
    }

    static Duration keepAlive(String value) {
        Duration interval = positiveDuration(value);
        if (interval.compareTo(MAX_SSE_KEEPALIVE) > 0) {
            throw invalid(Problems.quote(value) + " is too long: at most 25s, because load balancers and proxies cut "
                    + "streams that stay idle for 30 s or more");
        }
        return interval;
    }

    static long positiveSize(String value) {
        long bytes = ByteSizes.parse(value);
        if (bytes == 0) {
            throw invalid(Problems.quote(value) + " must be larger than 0");
        }
        return bytes;
    }

    static String headerName(String name) {
        if (!HEADER_NAME.matcher(name).matches()) {
            throw invalid(Problems.quote(name) + " is not a valid HTTP header name");
        }
        return name;
    }

    /** The value is not quoted: headers usually carry credentials. */
    static String headerValue(String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw invalid("must not contain line breaks or NUL characters");
        }
        return value;
    }

    static String environmentName(String name) {
        if (!ENV_NAME.matcher(name).matches()) {
            throw invalid(Problems.quote(name) + " is not a valid environment variable name (letters, digits, _)");
        }
        return name;
    }

    static BackendProtocol backendProtocol(String value) {
        return switch (value) {
            case "auto" -> BackendProtocol.AUTO;
            case "2025" -> BackendProtocol.V2025;
            case "2026" -> BackendProtocol.V2026;
            default ->
                throw new IllegalArgumentException(Problems.quote(value)
                        + " is not a protocol; use auto (find out), 2025 (initialize and sessions) or 2026 "
                        + "(2026-07-28)");
        };
    }

    static <E extends Enum<E>> E oneOf(String value, Class<E> kind) {
        for (E constant : kind.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.strip())) {
                return constant;
            }
        }
        throw invalid(Problems.quote(value) + " is not one of "
                + Arrays.stream(kind.getEnumConstants())
                        .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")));
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException(message);
    }
}
