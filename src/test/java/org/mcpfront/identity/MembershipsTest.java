package org.mcpfront.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.gcp.GoogleCredentials;
import org.mcpfront.gcp.ServiceAccountKey;
import org.mcpfront.testing.GoogleCloudStandIn;

@DisplayName("Memberships: the provider's groups, Workspace groups and IAM roles on the project")
class MembershipsTest {

    private Vertx vertx;
    private GoogleCloudStandIn cloud;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        cloud = GoogleCloudStandIn.start();
        cloud.setPolicy(Map.of(
                "roles/viewer", List.of("user:alice@example.com", "serviceAccount:x@p.iam.gserviceaccount.com"),
                "roles/editor", List.of("group:eng@example.com"),
                "projects/test-project/roles/mcpUser", List.of("domain:example.com"),
                "roles/owner", List.of("user:bob@example.com")));
        cloud.setGroups("alice@example.com", List.of("Eng@Example.com"));
        cloud.setGroups("bob@example.com", List.of());
    }

    @AfterEach
    void stop() throws Exception {
        cloud.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    private Memberships memberships(boolean workspace, Duration iamTtl) {
        GoogleCredentials credentials = new GoogleCredentials(
                vertx, ServiceAccountKey.parse(cloud.serviceAccountKeyJson()), cloud.url(), Clock.systemUTC());
        WorkspaceGroups groups = workspace
                ? new WorkspaceGroups(
                        vertx, credentials, "admin@example.com", cloud.url(), Duration.ofMinutes(10), Clock.systemUTC())
                : null;
        return new Memberships(
                groups, new IamRoles(vertx, credentials, "test-project", cloud.url(), iamTtl, Clock.systemUTC()));
    }

    @Test
    @DisplayName("roles held directly, through a Workspace group and through the domain; the groups by email")
    void rolesDirectGroupAndDomain() throws Exception {
        Memberships.Resolved alice =
                await(memberships(true, Duration.ofMinutes(5)).of("alice@example.com", List.of("oncall")));

        assertThat(alice.problems()).isEmpty();
        assertThat(alice.memberships())
                .containsExactlyInAnyOrder(
                        "oncall",
                        "eng@example.com",
                        "iam:roles/viewer",
                        "iam:roles/editor",
                        "iam:projects/test-project/roles/mcpUser");
        Memberships.Resolved bob =
                await(memberships(true, Duration.ofMinutes(5)).of("bob@example.com", List.of()));
        assertThat(bob.memberships())
                .containsExactlyInAnyOrder("iam:roles/owner", "iam:projects/test-project/roles/mcpUser");
        Memberships.Resolved outsider =
                await(memberships(true, Duration.ofMinutes(5)).of("mallory@other.org", List.of()));
        assertThat(outsider.memberships()).isEmpty();
        assertThat(outsider.problems()).isEmpty();
    }

    @Test
    @DisplayName("the policy is read once per TTL and each address's Workspace groups once")
    void cached() throws Exception {
        Memberships memberships = memberships(true, Duration.ofMinutes(5));
        await(memberships.of("alice@example.com", List.of()));
        await(memberships.of("alice@example.com", List.of()));
        await(memberships.of("bob@example.com", List.of()));

        assertThat(cloud.seen("/v3/projects/")).hasSize(1);
        assertThat(cloud.seen("/admin/directory/"))
                .as("alice's, her group eng's (its parents) and bob's")
                .hasSize(3);
    }

    @Test
    @DisplayName("groups within groups count, with the IAM roles bound to them; a cycle ends the walk")
    void nestedGroups() throws Exception {
        cloud.setGroups("erin@example.com", List.of("team@example.com"));
        cloud.setGroups("team@example.com", List.of("eng@example.com", "all@example.com"));
        cloud.setGroups("eng@example.com", List.of("all@example.com"));
        cloud.setGroups("all@example.com", List.of("team@example.com"));
        Memberships.Resolved erin =
                await(memberships(true, Duration.ofMinutes(5)).of("erin@example.com", List.of()));

        assertThat(erin.problems()).isEmpty();
        assertThat(erin.memberships())
                .containsExactlyInAnyOrder(
                        "team@example.com",
                        "eng@example.com",
                        "all@example.com",
                        "iam:roles/editor",
                        "iam:projects/test-project/roles/mcpUser");
    }

    @Test
    @DisplayName("a role granted only under an IAM condition is not held: fail closed")
    void conditionalBindings() throws Exception {
        cloud.addConditionalBinding(
                "roles/run.invoker",
                List.of("user:alice@example.com", "group:eng@example.com"),
                "request.time < timestamp(\"2999-01-01T00:00:00Z\")");
        Memberships.Resolved alice =
                await(memberships(true, Duration.ofMinutes(5)).of("alice@example.com", List.of()));

        assertThat(alice.problems()).isEmpty();
        assertThat(alice.memberships()).contains("iam:roles/viewer").doesNotContain("iam:roles/run.invoker");
    }

    @Test
    @DisplayName("an IAM group binding counts through a group the identity provider names by email, without Workspace")
    void providerGroupsBindRoles() throws Exception {
        Memberships.Resolved carol =
                await(memberships(false, Duration.ofMinutes(5)).of("carol@example.com", List.of("eng@example.com")));
        assertThat(carol.memberships()).contains("iam:roles/editor").doesNotContain("iam:roles/viewer");
    }

    @Test
    @DisplayName("a failing lookup leaves its part out and says why; the rest is still found")
    void failures() throws Exception {
        cloud.setWorkspaceAdmin("someone-else@example.com");
        cloud.setProject("another-project");
        Memberships.Resolved alice =
                await(memberships(true, Duration.ofMinutes(5)).of("alice@example.com", List.of("oncall")));

        assertThat(alice.memberships()).containsExactly("oncall");
        assertThat(alice.problems()).hasSize(2);
        assertThat(alice.problems().get(0)).contains("Workspace groups").contains("403");
        assertThat(alice.problems().get(1))
                .contains("test-project")
                .contains("403")
                .contains(GoogleCloudStandIn.SERVICE_ACCOUNT);
    }
}
