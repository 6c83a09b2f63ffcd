package org.mcpfront.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Principals name users by email, domain, config group, identity-provider group and IAM role")
class PrincipalsTest {

    private static final Map<String, List<String>> GROUPS = Map.of(
            "finance", List.of("carol@example.com", "@finance.example.com"),
            "admins", List.of("alice@example.com"),
            "engineering", List.of());

    @Test
    @DisplayName("an email names that user and @domain everyone of the domain, whatever the case")
    void emailsAndDomains() {
        assertThat(Principals.includes(List.of("alice@example.com"), Caller.of("Alice@Example.com"), GROUPS))
                .isTrue();
        assertThat(Principals.includes(List.of("@example.com"), Caller.of("bob@example.com"), GROUPS))
                .isTrue();
        assertThat(Principals.includes(List.of("@example.com"), Caller.of("bob@sub.example.com"), GROUPS))
                .isFalse();
        assertThat(Principals.includes(List.of("alice@example.com"), Caller.of("bob@example.com"), GROUPS))
                .isFalse();
        assertThat(Principals.includes(List.of("@example.com"), Caller.of(null), GROUPS))
                .isFalse();
    }

    @Test
    @DisplayName("group:X names the config group's emails and domains, and callers whose token lists X")
    void groups() {
        List<String> finance = List.of("group:finance");
        assertThat(Principals.includes(finance, Caller.of("carol@example.com"), GROUPS))
                .isTrue();
        assertThat(Principals.includes(finance, Caller.of("dan@finance.example.com"), GROUPS))
                .isTrue();
        assertThat(Principals.includes(finance, Caller.of("bob@example.com"), GROUPS))
                .isFalse();
        assertThat(Principals.includes(finance, new Caller("bob@example.com", Set.of("Finance")), GROUPS))
                .isTrue();
        assertThat(Principals.includes(
                        List.of("group:engineering"), new Caller("eve@other.org", Set.of("engineering")), GROUPS))
                .isTrue();
        assertThat(Principals.includes(List.of("group:engineering"), Caller.of("eve@other.org"), GROUPS))
                .isFalse();
    }

    @Test
    @DisplayName("iam:R names callers whose memberships carry iam:R exactly, never by email")
    void iamRoles() {
        List<String> viewers = List.of("iam:roles/viewer");
        assertThat(Principals.includes(viewers, new Caller("bob@example.com", Set.of("iam:roles/viewer")), GROUPS))
                .isTrue();
        assertThat(Principals.includes(viewers, new Caller("bob@example.com", Set.of("iam:roles/editor")), GROUPS))
                .isFalse();
        assertThat(Principals.includes(
                        List.of("iam:projects/p/roles/mcpUser"),
                        new Caller("bob@example.com", Set.of("iam:projects/p/roles/mcpUser")),
                        GROUPS))
                .isTrue();
        assertThat(Principals.includes(viewers, new Caller("bob@example.com", Set.of("roles/viewer")), GROUPS))
                .isFalse();
    }

    @Test
    @DisplayName("the principal that matched first is the one an audit line cites")
    void matching() {
        assertThat(Principals.matching(
                        List.of("bob@example.com", "group:admins", "@example.com"),
                        Caller.of("alice@example.com"),
                        GROUPS))
                .isEqualTo("group:admins");
        assertThat(Principals.matching(List.of("group:finance"), Caller.of("alice@example.com"), GROUPS))
                .isNull();
    }

    @Test
    @DisplayName("parsing normalises case and refuses unknown groups, bad roles and malformed addresses, saying how")
    void parsing() {
        Set<String> defined = GROUPS.keySet();
        assertThat(Principals.parse(" Alice@Example.COM ", defined)).isEqualTo("alice@example.com");
        assertThat(Principals.parse("@Example.com", defined)).isEqualTo("@example.com");
        assertThat(Principals.parse("group:Finance", defined)).isEqualTo("group:finance");
        assertThat(Principals.parse("iam:projects/p/roles/mcpUser", defined)).isEqualTo("iam:projects/p/roles/mcpUser");
        assertThatThrownBy(() -> Principals.parse("group:finanse", defined))
                .hasMessageContaining("unknown group finanse")
                .hasMessageContaining("defined: admins, engineering, finance");
        assertThatThrownBy(() -> Principals.parse("iam:viewer", defined)).hasMessageContaining("iam:roles/<role>");
        assertThatThrownBy(() -> Principals.parse("alice", defined)).hasMessageContaining("is not an email address");
        assertThatThrownBy(() -> Principals.parse("@not a domain", defined)).hasMessageContaining("domain name");
        assertThatThrownBy(() -> Principals.member("group:admins")).hasMessageContaining("not other groups");
    }
}
