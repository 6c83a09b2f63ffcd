package org.mcpfront.identity;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a user is a member of, as carried in our access tokens' {@code groups} claim: the identity provider's own
 * groups (generic OIDC), the user's Google Workspace groups by email (when a Workspace lookup is configured) and
 * {@code iam:<role>} for each IAM role the user holds on {@code oauth.gcp_project} (when one is set). Lookups are
 * cached by {@link WorkspaceGroups} and {@link IamRoles}; one that fails leaves its part out and says so in
 * {@link Resolved#problems()}, so that a sign-in that does not depend on it still works.
 */
public final class Memberships {

    public static final String IAM_PREFIX = "iam:";

    private final WorkspaceGroups workspace;
    private final IamRoles iam;

    /** What was found, and the lookups that failed (fit to show the person, without secrets). */
    public record Resolved(Set<String> memberships, List<String> problems) {

        public Resolved {
            memberships = Set.copyOf(memberships);
            problems = List.copyOf(problems);
        }

        public static Resolved of(Collection<String> memberships) {
            return new Resolved(Set.copyOf(memberships), List.of());
        }

        /** The memberships, sorted, as the token claim lists them. */
        public List<String> sorted() {
            return List.copyOf(new TreeSet<>(memberships));
        }
    }

    /** @param workspace the Workspace lookup, or null; @param iam the IAM lookup, or null */
    public Memberships(WorkspaceGroups workspace, IamRoles iam) {
        this.workspace = workspace;
        this.iam = iam;
    }

    /** No lookups: the provider's groups only. */
    public static Memberships providerOnly() {
        return new Memberships(null, null);
    }

    /** Where an IAM role is looked up, or null when {@code oauth.gcp_project} is not set. */
    public String iamProject() {
        return iam == null ? null : iam.project();
    }

    /**
     * The memberships of {@code email} whose provider named {@code providerGroups}. Never fails: a failed lookup
     * is a problem in the result.
     */
    public Future<Resolved> of(String email, Collection<String> providerGroups) {
        Set<String> found = new TreeSet<>(providerGroups);
        if (email == null || email.isBlank()) {
            return Future.succeededFuture(new Resolved(found, List.of()));
        }
        List<String> problems = new ArrayList<>();
        Future<Set<String>> groups = workspace == null
                ? Future.succeededFuture(Set.of())
                : workspace.groupsOf(email).recover(e -> {
                    problems.add(
                            "the Google Workspace groups of " + email + " could not be looked up: " + e.getMessage());
                    return Future.succeededFuture(Set.of());
                });
        return groups.compose(workspaceGroups -> {
            found.addAll(workspaceGroups);
            if (iam == null) {
                return Future.succeededFuture(new Resolved(found, problems));
            }
            // IAM group bindings name groups by email: the Workspace groups, and provider groups that are addresses.
            Set<String> groupEmails = new TreeSet<>(workspaceGroups);
            providerGroups.stream().filter(g -> g.contains("@")).forEach(groupEmails::add);
            return iam.rolesOf(email, groupEmails)
                    .map(roles -> {
                        roles.forEach(role -> found.add(IAM_PREFIX + role));
                        return new Resolved(found, problems);
                    })
                    .recover(e -> {
                        problems.add("the IAM roles on project " + iam.project() + " could not be looked up: "
                                + e.getMessage());
                        return Future.succeededFuture(new Resolved(found, problems));
                    });
        });
    }
}
