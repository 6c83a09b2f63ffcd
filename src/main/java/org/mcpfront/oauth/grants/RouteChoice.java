package org.mcpfront.oauth.grants;

import java.util.List;
import org.mcpfront.identity.Caller;
import org.mcpfront.oauth.AuthorizationServerConfig;

/**
 * What the consent page lists for an audience: {@code shown}, the routes the user may use (empty: every route, all
 * open to them), and {@code closed}, routes the audience names that the user may not use (then no code). Decided
 * as the edge decides each request, {@code access.users} against the email and the memberships the access token
 * will carry, so that the page shows exactly the routes the token will open.
 */
record RouteChoice(List<String> shown, List<String> closed) {

    RouteChoice {
        shown = List.copyOf(shown);
        closed = List.copyOf(closed);
    }

    /** @param named the route paths the audience names; empty: every route */
    static RouteChoice of(AuthorizationServerConfig current, List<String> named, Caller caller) {
        if (!named.isEmpty()) {
            List<String> closed = named.stream()
                    .filter(path -> current.route(path)
                            .map(route -> !route.access()
                                    .admits(caller, current.groups())
                                    .allowed())
                            .orElse(false))
                    .toList();
            return new RouteChoice(named, closed);
        }
        List<String> open = current.routes().stream()
                .filter(route -> route.access().admits(caller, current.groups()).allowed())
                .map(route -> route.path())
                .toList();
        if (open.isEmpty() && !current.routes().isEmpty()) {
            return new RouteChoice(
                    List.of(),
                    current.routes().stream().map(route -> route.path()).toList());
        }
        return new RouteChoice(open.size() == current.routes().size() ? List.of() : open, List.of());
    }
}
