package org.mcpfront.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mcpfront.access.RouteAccess;

/**
 * One entry of {@code routes:}. An {@code http} route has a backend URL and transport; a {@code stdio}
 * route has a command and environment. Equality is structural, so a reload can tell a changed route
 * from an unchanged one.
 */
public record RouteConfig(
        String path,
        RouteType type,
        Optional<URI> backend,
        Optional<BackendTransport> transport,
        Map<String, String> headers,
        List<String> command,
        Map<String, String> environment,
        Duration timeout,
        Duration requestTimeout,
        int maxSessions,
        int maxSessionsPerUser,
        BackendProtocol protocol,
        HealthCheck healthCheck,
        RouteAccess access,
        RouteIdentity identity,
        OnProcessLoss onProcessLoss,
        Optional<String> host) {

    public RouteConfig {
        Objects.requireNonNull(healthCheck, "healthCheck");
        headers = Map.copyOf(headers);
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        access = access == null ? RouteAccess.OPEN : access;
        identity = identity == null ? RouteIdentity.none() : identity;
        onProcessLoss = onProcessLoss == null ? OnProcessLoss.RESTART : onProcessLoss;
        host = host == null ? Optional.empty() : host;
    }

    /** A route served under its path on the issuer's host only. */
    public RouteConfig(
            String path,
            RouteType type,
            Optional<URI> backend,
            Optional<BackendTransport> transport,
            Map<String, String> headers,
            List<String> command,
            Map<String, String> environment,
            Duration timeout,
            Duration requestTimeout,
            int maxSessions,
            int maxSessionsPerUser,
            BackendProtocol protocol,
            HealthCheck healthCheck,
            RouteAccess access,
            RouteIdentity identity,
            OnProcessLoss onProcessLoss) {
        this(
                path,
                type,
                backend,
                transport,
                headers,
                command,
                environment,
                timeout,
                requestTimeout,
                maxSessions,
                maxSessionsPerUser,
                protocol,
                healthCheck,
                access,
                identity,
                onProcessLoss,
                Optional.empty());
    }

    /** A route with the default health check and no {@code access:} block (everyone admitted uses everything). */
    public RouteConfig(
            String path,
            RouteType type,
            Optional<URI> backend,
            Optional<BackendTransport> transport,
            Map<String, String> headers,
            List<String> command,
            Map<String, String> environment,
            Duration timeout,
            Duration requestTimeout,
            int maxSessions,
            int maxSessionsPerUser,
            BackendProtocol protocol) {
        this(
                path,
                type,
                backend,
                transport,
                headers,
                command,
                environment,
                timeout,
                requestTimeout,
                maxSessions,
                maxSessionsPerUser,
                protocol,
                HealthCheck.DEFAULT,
                RouteAccess.OPEN,
                RouteIdentity.none(),
                OnProcessLoss.RESTART);
    }

    /** A route whose backend learns nothing about the user. */
    public RouteConfig(
            String path,
            RouteType type,
            Optional<URI> backend,
            Optional<BackendTransport> transport,
            Map<String, String> headers,
            List<String> command,
            Map<String, String> environment,
            Duration timeout,
            Duration requestTimeout,
            int maxSessions,
            int maxSessionsPerUser,
            BackendProtocol protocol,
            HealthCheck healthCheck,
            RouteAccess access) {
        this(
                path,
                type,
                backend,
                transport,
                headers,
                command,
                environment,
                timeout,
                requestTimeout,
                maxSessions,
                maxSessionsPerUser,
                protocol,
                healthCheck,
                access,
                RouteIdentity.none(),
                OnProcessLoss.RESTART);
    }

    /**
     * The same route also served at the root of its own host name ({@code routes[].host}):
     * {@code https://<host>/mcp} beside {@code <issuer>/<path>/mcp}.
     */
    public RouteConfig withHost(Optional<String> newHost) {
        return new RouteConfig(
                path,
                type,
                backend,
                transport,
                headers,
                command,
                environment,
                timeout,
                requestTimeout,
                maxSessions,
                maxSessionsPerUser,
                protocol,
                healthCheck,
                access,
                identity,
                onProcessLoss,
                newHost);
    }

    /** The same route with {@code access} as its {@code access:} block. */
    public RouteConfig withAccess(RouteAccess access) {
        return new RouteConfig(
                path,
                type,
                backend,
                transport,
                headers,
                command,
                environment,
                timeout,
                requestTimeout,
                maxSessions,
                maxSessionsPerUser,
                protocol,
                healthCheck,
                access,
                identity,
                onProcessLoss,
                host);
    }

    public enum RouteType {
        HTTP,
        STDIO
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

    /** The route's name as used in URLs and logs: its path without the leading slash. */
    public String name() {
        return path.substring(1);
    }

    /**
     * Leaves {@code access} and {@code host} out: rules apply per request, so sessions (and the key a bridged
     * 2026-07-28 user's
     * session is found by) stay the same when only they change.
     */
    @Override
    public String toString() {
        // Header values and environment values usually hold secrets: print only their names.
        return "RouteConfig[path=" + path + ", type=" + type + ", backend=" + backend.orElse(null)
                + ", transport=" + transport.orElse(null) + ", headers=" + headers.keySet()
                + ", command=" + command + ", environment=" + environment.keySet()
                + ", timeout=" + timeout + ", requestTimeout=" + requestTimeout + ", maxSessions=" + maxSessions
                + ", maxSessionsPerUser=" + maxSessionsPerUser + ", protocol=" + protocol + ", healthCheck="
                + healthCheck
                + ", identity=" + identity.kind() + ", onProcessLoss=" + onProcessLoss + "]";
    }
}
