package org.mcpfront.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("mcp-front's requestState is sealed and bound to user, route, call and time")
class RequestStatesTest {

    private static final byte[] KEY = new byte[32];
    private static final JsonObject PARAMS = new JsonObject()
            .put("name", "deploy")
            .put("arguments", new JsonObject().put("env", "prod").put("force", true));

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private final MutableClock clock = new MutableClock();
    private final RequestStates states = new RequestStates(KEY, clock);

    private String seal() {
        return states.seal(
                "session-1",
                new JsonObject().put("up", "\"mf-3\""),
                "alice",
                "/ops",
                "tools/call",
                PARAMS,
                Duration.ofMinutes(5));
    }

    @Test
    @DisplayName("the state opens for the same user, route and call, whatever the key order and added fields")
    void opens() throws Exception {
        JsonObject retry = new JsonObject()
                .put("arguments", new JsonObject().put("force", true).put("env", "prod"))
                .put("name", "deploy")
                .put("inputResponses", new JsonObject().put("k", 1))
                .put("requestState", "x")
                .put("_meta", new JsonObject().put("progressToken", 3));
        RequestStates.State state = states.open(seal(), "alice", "/ops", "tools/call", retry);
        assertThat(state.session()).isEqualTo("session-1");
        assertThat(state.payload().getString("up")).isEqualTo("\"mf-3\"");
    }

    @Test
    @DisplayName("another user, route, method or arguments, a changed byte, another key or a late retry are refused")
    void refuses() {
        String sealed = seal();
        assertThatThrownBy(() -> states.open(sealed, "mallory", "/ops", "tools/call", PARAMS))
                .hasMessageContaining("another user");
        assertThatThrownBy(() -> states.open(sealed, "alice", "/other", "tools/call", PARAMS))
                .hasMessageContaining("another user or route");
        assertThatThrownBy(() -> states.open(sealed, "alice", "/ops", "prompts/get", PARAMS))
                .hasMessageContaining("another request");
        assertThatThrownBy(() -> states.open(
                        sealed,
                        "alice",
                        "/ops",
                        "tools/call",
                        PARAMS.copy().put("arguments", new JsonObject().put("env", "dev"))))
                .hasMessageContaining("another request");
        String flipped = sealed.substring(0, 10) + (sealed.charAt(10) == 'A' ? 'B' : 'A') + sealed.substring(11);
        assertThatThrownBy(() -> states.open(flipped, "alice", "/ops", "tools/call", PARAMS))
                .isInstanceOf(RequestStates.Invalid.class);
        byte[] otherKey = KEY.clone();
        otherKey[0] = 1;
        assertThatThrownBy(() -> new RequestStates(otherKey, clock).open(sealed, "alice", "/ops", "tools/call", PARAMS))
                .hasMessageContaining("does not verify");
        clock.advance(Duration.ofMinutes(6));
        assertThatThrownBy(() -> states.open(sealed, "alice", "/ops", "tools/call", PARAMS))
                .hasMessageContaining("expired");
        assertThat(RequestStates.isOurs(sealed)).isTrue();
        assertThat(RequestStates.isOurs("backend-own-state")).isFalse();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
