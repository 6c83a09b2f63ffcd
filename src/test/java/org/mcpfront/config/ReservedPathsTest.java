package org.mcpfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mcpfront.config.Configs.httpRoute;
import static org.mcpfront.config.Configs.parse;
import static org.mcpfront.config.Configs.withRoutes;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The reserved paths")
class ReservedPathsTest {

    /** Every path constant: what the OAuth mount and the edge router serve. */
    private static List<String> endpoints() throws IllegalAccessException {
        List<String> paths = new ArrayList<>();
        for (Field field : ReservedPaths.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                paths.add((String) field.get(null));
            }
        }
        return paths;
    }

    @Test
    @DisplayName("every endpoint mcp-front serves lies at or under a reserved path")
    void everyEndpointIsReserved() throws IllegalAccessException {
        assertThat(endpoints())
                .hasSizeGreaterThan(10)
                .allSatisfy(path -> assertThat(ReservedPaths.ALL)
                        .anySatisfy(reserved -> assertThat(path.equals(reserved) || path.startsWith(reserved + "/"))
                                .isTrue()));
    }

    @Test
    @DisplayName("no route may take an endpoint, nor a path above or below one")
    void routesCannotTakeThem() throws IllegalAccessException {
        for (String path : endpoints()) {
            assertThatThrownBy(() -> parse(withRoutes(httpRoute(path))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is taken by");
            assertThatThrownBy(() -> parse(withRoutes(httpRoute(path + "/x"))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is taken by");
        }
    }

    @Test
    @DisplayName("paths overlap only on whole segments")
    void overlapIsBySegment() {
        assertThat(ReservedPaths.overlap("/token", "/token")).isTrue();
        assertThat(ReservedPaths.overlap("/token/x", "/token")).isTrue();
        assertThat(ReservedPaths.overlap("/oauth", "/oauth/callback")).isTrue();
        assertThat(ReservedPaths.overlap("/tokens", "/token")).isFalse();
    }
}
