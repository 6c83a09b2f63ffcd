package org.mcpfront.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Globs: * matches any run of characters, everything else itself")
class GlobTest {

    @Test
    @DisplayName("literal, prefix, suffix, infix and several stars")
    void matching() {
        assertThat(Glob.parse("echo").matches("echo")).isTrue();
        assertThat(Glob.parse("echo").matches("echo2")).isFalse();
        assertThat(Glob.parse("*").matches("")).isTrue();
        assertThat(Glob.parse("*").matches("anything/at:all")).isTrue();
        assertThat(Glob.parse("delete_*").matches("delete_user")).isTrue();
        assertThat(Glob.parse("delete_*").matches("delete_")).isTrue();
        assertThat(Glob.parse("delete_*").matches("undelete_user")).isFalse();
        assertThat(Glob.parse("*_admin").matches("user_admin")).isTrue();
        assertThat(Glob.parse("*_admin").matches("user_admins")).isFalse();
        assertThat(Glob.parse("a*b*c").matches("abc")).isTrue();
        assertThat(Glob.parse("a*b*c").matches("a-b-b-c")).isTrue();
        assertThat(Glob.parse("a*b*c").matches("acb")).isFalse();
        assertThat(Glob.parse("a*a").matches("a")).isFalse();
        assertThat(Glob.parse("file:///finance/*").matches("file:///finance/q3.csv"))
                .isTrue();
        assertThat(Glob.parse("Echo").matches("echo")).isFalse();
        assertThat(Glob.parse("x*").matches(null)).isFalse();
    }

    @Test
    @DisplayName("empty patterns, other wildcard syntaxes, ** and white space are refused with the reason")
    void refused() {
        assertThatThrownBy(() -> Glob.parse("")).hasMessageContaining("empty pattern");
        assertThatThrownBy(() -> Glob.parse("get?")).hasMessageContaining("only * is a wildcard");
        assertThatThrownBy(() -> Glob.parse("[ab]*")).hasMessageContaining("only * is a wildcard");
        assertThatThrownBy(() -> Glob.parse("a**")).hasMessageContaining("write one *");
        assertThatThrownBy(() -> Glob.parse("delete user")).hasMessageContaining("white space");
    }
}
