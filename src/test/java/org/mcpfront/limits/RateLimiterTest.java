package org.mcpfront.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.config.RateLimit;
import org.mcpfront.limits.RateLimiter.Verdict;
import org.mcpfront.net.AddressRange;
import org.mcpfront.storage.MemoryStore;

@DisplayName("Rate limits")
class RateLimiterTest {

    private static final RateLimit THREE_A_MINUTE = new RateLimit(3, Duration.ofMinutes(1));

    private Vertx vertx;
    private MemoryStore store;
    private Instant now = Instant.parse("2026-01-01T10:00:15Z");

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        store = new MemoryStore(vertx, 1024 * 1024);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private RateLimiter limiter() {
        return new RateLimiter(store, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static InetAddress ip(String literal) {
        return AddressRange.literal(literal).orElseThrow();
    }

    @Test
    @DisplayName("allows the count per window, then refuses until the window ends, saying when")
    void window() throws Exception {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            verdicts.add(await(limiter().perAddress("register", ip("203.0.113.9"), THREE_A_MINUTE)));
        }

        assertThat(verdicts).extracting(Verdict::allowed).containsExactly(true, true, true, false, false);
        assertThat(verdicts.get(3).retryAfterSeconds()).isEqualTo(45);
        assertThat(verdicts).extracting(Verdict::firstRefusal).containsExactly(false, false, false, true, false);
        assertThat(await(limiter().perAddress("register", ip("203.0.113.10"), THREE_A_MINUTE))
                        .allowed())
                .as("another address has its own count")
                .isTrue();
        assertThat(await(limiter().perAddress("authorize", ip("203.0.113.9"), THREE_A_MINUTE))
                        .allowed())
                .as("another kind of request has its own count")
                .isTrue();

        now = now.plusSeconds(45);
        assertThat(await(limiter().perAddress("register", ip("203.0.113.9"), THREE_A_MINUTE))
                        .allowed())
                .as("the next window")
                .isTrue();
    }

    @Test
    @DisplayName("IPv6 addresses count by their /64, which one subscriber holds whole")
    void ipv6ByPrefix() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertThat(await(limiter().perAddress("register", ip("2001:db8:1:2::" + i), THREE_A_MINUTE))
                            .allowed())
                    .isTrue();
        }
        assertThat(await(limiter().perAddress("register", ip("2001:db8:1:2:ffff::9"), THREE_A_MINUTE))
                        .allowed())
                .isFalse();
        assertThat(await(limiter().perAddress("register", ip("2001:db8:1:3::1"), THREE_A_MINUTE))
                        .allowed())
                .isTrue();
        assertThat(RateLimiter.key(ip("2001:db8:1:2:aaaa::1"))).isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    @DisplayName("an overall limit counts every address together")
    void overall() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(await(limiter().overall("register", THREE_A_MINUTE)).allowed())
                    .isTrue();
        }
        assertThat(await(limiter().overall("register", THREE_A_MINUTE)).allowed())
                .isFalse();
    }
}
