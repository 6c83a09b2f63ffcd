package org.mcpfront.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mcpfront.access.RouteAccess;

/**
 * One entry of {@code routes:}: where it is served ({@code path}, optionally its own {@code host}), what
 * serves it ({@link Backend}: an HTTP backend or a stdio command), which MCP era mcp-front speaks to it,
 * how long and how many of its sessions live ({@link SessionLimits}), who may use it, and whether each user
 * connects their own account at the service behind it ({@link RouteCredential}). Equality is
 * structural, so a reload can tell a changed route from an unchanged one.
 */
public record RouteConfig(
        String path,
        Optional<String> host,
        Backend backend,
        BackendProtocol protocol,
        SessionLimits sessions,
        HealthCheck healthCheck,
        RouteAccess access,
        RouteIdentity identity,
        Optional<RouteCredential> credential) {

    public RouteConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(healthCheck, "healthCheck");
        host = host == null ? Optional.empty() : host;
        access = access == null ? RouteAccess.OPEN : access;
        identity = identity == null ? RouteIdentity.none() : identity;
        credential = credential == null ? Optional.empty() : credential;
    }

    /** What serves a route: its {@code type} and the keys that belong to it. */
    public sealed interface Backend permits Http, Stdio, Aggregate {}

    /** {@code type: http}: a backend URL, the transport mcp-front speaks to it, and static headers. */
    public record Http(URI url, BackendTransport transport, Map<String, String> headers) implements Backend {
        public Http {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(transport, "transport");
            headers = Map.copyOf(headers);
        }
    }

    /**
     * {@code type: stdio}: the program a session starts (without a shell), its environment, what a session
     * does when the process dies under it, and how many processes are kept started ahead of sessions
     * ({@code warm}, counted in {@code max_sessions}).
     */
    public record Stdio(List<String> command, Map<String, String> environment, OnProcessLoss onProcessLoss, int warm)
            implements Backend {
        public Stdio {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            onProcessLoss = onProcessLoss == null ? OnProcessLoss.RESTART : onProcessLoss;
        }

        public Stdio(List<String> command, Map<String, String> environment, OnProcessLoss onProcessLoss) {
            this(command, environment, onProcessLoss, 0);
        }
    }

    /**
     * {@code type: aggregate}: one endpoint for the member routes' tools, prompts and resources, names prefixed
     * with each member's name. The members are resolved by the parser (every http and stdio route when
     * {@code members:} is absent), so a member's edit changes the aggregate too and its new sessions get it.
     */
    public record Aggregate(List<RouteConfig> members) implements Backend {
        public Aggregate {
            members = List.copyOf(members);
        }

        /** The members' paths, in their order. */
        public List<String> paths() {
            return members.stream().map(RouteConfig::path).toList();
        }
    }

    /**
     * How long and how many: {@code timeout} (a session's idle timeout), {@code request_timeout} (one request in
     * flight), {@code max_sessions} and {@code max_sessions_per_user}.
     */
    public record SessionLimits(Duration idleTimeout, Duration requestTimeout, int max, int maxPerUser) {
        public SessionLimits {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }
    }

    public enum RouteType {
        HTTP,
        STDIO,
        AGGREGATE
    }

    /**
     * Which MCP era mcp-front speaks to the backend: {@code auto} finds out (HTTP: a
     * {@code server/discover} probe; stdio: {@code initialize}, switching when the process refuses it
     * naming 2026-07-28), {@code 2025} and {@code 2026} pin it.
     */
    public enum BackendProtocol {
        AUTO,
        V2025,
        V2026
    }

    /**
     * What a stdio session does when its process dies under it (a crash, SIGKILL, its instance's loss):
     * {@code restart} starts a new process initialized in the client's name, under the same session id
     * (the old process's state is lost); {@code end} ends the session. HTTP routes always carry on.
     */
    public enum OnProcessLoss {
        RESTART,
        END
    }

    /** How mcp-front talks to an HTTP backend. */
    public enum BackendTransport {
        STREAMABLE,
        SSE
    }

    public RouteType type() {
        if (backend instanceof Http) {
            return RouteType.HTTP;
        }
        return backend instanceof Stdio ? RouteType.STDIO : RouteType.AGGREGATE;
    }

    /** The members of an {@code aggregate} route; empty for other routes. */
    public Optional<Aggregate> aggregate() {
        return backend instanceof Aggregate a ? Optional.of(a) : Optional.empty();
    }

    /** The HTTP backend of an {@code http} route; empty for other routes. */
    public Optional<Http> http() {
        return backend instanceof Http h ? Optional.of(h) : Optional.empty();
    }

    /** The command of a {@code stdio} route; empty for other routes. */
    public Optional<Stdio> stdio() {
        return backend instanceof Stdio s ? Optional.of(s) : Optional.empty();
    }

    /**
     * The static headers mcp-front sends to the backend (none for stdio routes): those that do not use the user's
     * credential, which only a request of that user carries ({@link #credentialHeaders()}).
     */
    public Map<String, String> headers() {
        return http().map(h -> without(h.headers(), true)).orElse(Map.of());
    }

    /** The headers that carry {@value RouteCredential#PLACEHOLDER}, to be filled per user. */
    public Map<String, String> credentialHeaders() {
        return http().map(h -> without(h.headers(), false)).orElse(Map.of());
    }

    /** The environment values that carry {@value RouteCredential#PLACEHOLDER}, to be filled per user. */
    public Map<String, String> credentialEnvironment() {
        return stdio().map(s -> without(s.environment(), false)).orElse(Map.of());
    }

    private static Map<String, String> without(Map<String, String> values, boolean credential) {
        if (values.values().stream().noneMatch(RouteCredential::wanted)) {
            return credential ? values : Map.of();
        }
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (RouteCredential.wanted(value) != credential) {
                kept.put(name, value);
            }
        });
        return Map.copyOf(kept);
    }

    /** The route's name as used in URLs and logs: its path without the leading slash. */
    public String name() {
        return path.substring(1);
    }

    /**
     * The same route also served at the root of its own host name ({@code routes[].host}):
     * {@code https://<host>/mcp} beside {@code <issuer>/<path>/mcp}.
     */
    public RouteConfig withHost(Optional<String> newHost) {
        return new RouteConfig(path, newHost, backend, protocol, sessions, healthCheck, access, identity, credential);
    }

    /** The same route with {@code access} as its {@code access:} block. */
    public RouteConfig withAccess(RouteAccess newAccess) {
        return new RouteConfig(path, host, backend, protocol, sessions, healthCheck, newAccess, identity, credential);
    }

    /**
     * Leaves {@code access} and {@code host} out: rules apply per request, so sessions (and the key a bridged
     * 2026-07-28 user's session is found by) stay the same when only they change.
     */
    @Override
    public String toString() {
        // Header values and environment values usually hold secrets: print only their names.
        String served = switch (type()) {
            case HTTP -> {
                Http h = (Http) backend;
                yield "backend=" + h.url() + ", transport=" + h.transport() + ", headers="
                        + h.headers().keySet();
            }
            case STDIO -> {
                Stdio s = (Stdio) backend;
                yield "command=" + s.command() + ", environment="
                        + s.environment().keySet() + ", onProcessLoss=" + s.onProcessLoss() + ", warm=" + s.warm();
            }
            // The members in full: a bridged 2026-07-28 user's session key follows their settings too.
            case AGGREGATE -> "members=" + ((Aggregate) backend).members();
        };
        return "RouteConfig[path=" + path + ", type=" + type() + ", " + served + ", sessions=" + sessions
                + ", protocol=" + protocol + ", healthCheck=" + healthCheck + ", identity=" + identity.kind()
                + credential.map(c -> ", credential=" + c).orElse("") + "]";
    }
}
