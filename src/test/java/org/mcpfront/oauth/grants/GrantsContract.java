package org.mcpfront.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.identity.Identity;
import org.mcpfront.oauth.SigningKeys;
import org.mcpfront.storage.Store;

/**
 * Refresh rotation, reuse detection and the grace for a retried refresh, against any store. "Two
 * instances" are two {@link Grants} with their own store clients, as two processes of a cluster have.
 */
@Timeout(60)
abstract class GrantsContract {

    private static final String ISSUER = "https://mcp.example.com";
    private static final Duration LONG_GRACE = Duration.ofSeconds(60);
    /** Only ever waited out, never raced: the tests within a window use {@link #LONG_GRACE}. */
    private static final Duration SHORT_GRACE = Duration.ofMillis(300);

    private static final Grants.Grant GRANT = new Grants.Grant(
            "client-1",
            new Identity("sub-1", "alice@example.com", true, "example.com", "Alice"),
            List.of(ISSUER + "/a/mcp"),
            "mcp");

    protected Vertx vertx;
    private SigningKeys keys;
    /** Every value written to the store, as text: what someone reading the store would see. */
    private final List<String> written = new CopyOnWriteArrayList<>();

    /** A client of the store under test; each call may return a new one, as each instance of a cluster has its own. */
    protected abstract Store newStore();

    @BeforeEach
    void setUpVertx() {
        vertx = Vertx.vertx();
        keys = SigningKeys.generated();
    }

    @AfterEach
    void tearDownVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private AccessTokens accessTokens(Store store) {
        return new AccessTokens(keys, ISSUER, Duration.ofMinutes(10), store, Clock.systemUTC());
    }

    private Grants grants(Duration grace) {
        Store store = new Recording(newStore(), written);
        return new Grants(vertx, store, accessTokens(store), Duration.ofDays(30), grace);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static Grants.TokenPair start(Grants grants) throws Exception {
        return await(grants.startFamily(Secrets.random(), GRANT));
    }

    private void assertRevoked(Grants grants, Grants.TokenPair newest) {
        assertThatThrownBy(() -> await(grants.rotate(newest.refreshToken(), GRANT.clientId())))
                .as("the newest refresh token of the family is revoked")
                .hasMessageContaining("revoked");
        assertThatThrownBy(() ->
                        await(accessTokens(newStore()).verify(newest.access().token())))
                .as("the family's access tokens are revoked")
                .hasMessageContaining("revoked");
    }

    private static void assertSamePair(Grants.TokenPair retried, Grants.TokenPair rotated) {
        assertThat(retried.refreshToken()).isEqualTo(rotated.refreshToken());
        assertThat(retried.access()).isEqualTo(rotated.access());
        assertThat(retried.grant()).isEqualTo(rotated.grant());
        assertThat(retried.family()).isEqualTo(rotated.family());
    }

    @Test
    @DisplayName("a refresh retried with the same token within the grace gets the same pair, and the grant lives on")
    void retryWithinGrace() throws Exception {
        Grants grants = grants(LONG_GRACE);
        Grants.TokenPair first = start(grants);
        Grants.TokenPair rotated = await(grants.rotate(first.refreshToken(), GRANT.clientId()));
        assertThat(rotated.refreshToken()).isNotEqualTo(first.refreshToken());

        assertSamePair(await(grants.rotate(first.refreshToken(), GRANT.clientId())), rotated);
        assertSamePair(await(grants.rotate(first.refreshToken(), GRANT.clientId())), rotated);
        assertThat(await(accessTokens(newStore()).verify(rotated.access().token()))
                        .jti())
                .isEqualTo(rotated.access().jti());

        Grants.TokenPair next = await(grants.rotate(rotated.refreshToken(), GRANT.clientId()));
        assertThat(next.refreshToken()).isNotIn(first.refreshToken(), rotated.refreshToken());
    }

    @Test
    @DisplayName("two instances refreshing with the same token at the same moment rotate once and answer the same pair")
    void concurrentRetryOnTwoInstances() throws Exception {
        Grants one = grants(LONG_GRACE);
        Grants other = grants(LONG_GRACE);
        Grants.TokenPair first = start(one);
        Future<Grants.TokenPair> a = one.rotate(first.refreshToken(), GRANT.clientId());
        Future<Grants.TokenPair> b = other.rotate(first.refreshToken(), GRANT.clientId());
        Grants.TokenPair pairA = await(a);
        assertSamePair(await(b), pairA);

        Grants.TokenPair next = await(other.rotate(pairA.refreshToken(), GRANT.clientId()));
        assertThat(next.refreshToken())
                .as("the one pair both got is the family's newest")
                .isNotEqualTo(pairA.refreshToken());
    }

    @Test
    @DisplayName("a retry after the grace revokes the whole family")
    void retryAfterGrace() throws Exception {
        Grants grants = grants(SHORT_GRACE);
        Grants.TokenPair first = start(grants);
        Grants.TokenPair rotated = await(grants.rotate(first.refreshToken(), GRANT.clientId()));
        Thread.sleep(SHORT_GRACE.multipliedBy(3).toMillis());

        assertThatThrownBy(() -> await(grants.rotate(first.refreshToken(), GRANT.clientId())))
                .hasMessageContaining("already used");
        assertRevoked(grants, rotated);
    }

    @Test
    @DisplayName("within the grace, a token older than the one rotated last revokes the whole family")
    void olderTokenWithinGrace() throws Exception {
        Grants grants = grants(LONG_GRACE);
        Grants.TokenPair first = start(grants);
        Grants.TokenPair second = await(grants.rotate(first.refreshToken(), GRANT.clientId()));
        Grants.TokenPair third = await(grants.rotate(second.refreshToken(), GRANT.clientId()));

        assertThatThrownBy(() -> await(grants.rotate(first.refreshToken(), GRANT.clientId())))
                .hasMessageContaining("already used");
        assertRevoked(grants, third);
        assertThatThrownBy(() -> await(grants.rotate(second.refreshToken(), GRANT.clientId())))
                .as("nor does the grace outlive the family")
                .hasMessageContaining("revoked");
    }

    @Test
    @DisplayName("within the grace, the same token presented by another client revokes the whole family")
    void otherClientWithinGrace() throws Exception {
        Grants grants = grants(LONG_GRACE);
        Grants.TokenPair first = start(grants);
        Grants.TokenPair rotated = await(grants.rotate(first.refreshToken(), GRANT.clientId()));

        assertThatThrownBy(() -> await(grants.rotate(first.refreshToken(), "client-2")))
                .hasMessageContaining("another client");
        assertRevoked(grants, rotated);
    }

    @Test
    @DisplayName("with no grace, a retry with the rotated token revokes the whole family at once")
    void noGrace() throws Exception {
        Grants grants = grants(Duration.ZERO);
        Grants.TokenPair first = start(grants);
        Grants.TokenPair rotated = await(grants.rotate(first.refreshToken(), GRANT.clientId()));

        assertThatThrownBy(() -> await(grants.rotate(first.refreshToken(), GRANT.clientId())))
                .hasMessageContaining("already used");
        assertRevoked(grants, rotated);
    }

    @Test
    @DisplayName("the store never holds a usable token: the pair kept for a retry is sealed under the spent token")
    void storeHoldsNoUsableToken() throws Exception {
        Grants grants = grants(LONG_GRACE);
        Grants.TokenPair first = start(grants);
        Grants.TokenPair rotated = await(grants.rotate(first.refreshToken(), GRANT.clientId()));
        await(grants.rotate(first.refreshToken(), GRANT.clientId()));

        assertThat(written).isNotEmpty();
        for (String secret : List.of(
                first.refreshToken(),
                first.access().token(),
                rotated.refreshToken(),
                rotated.access().token())) {
            assertThat(written).noneMatch(value -> value.contains(secret));
        }
    }

    /** Passes everything through and notes what was written. */
    private record Recording(Store store, List<String> written) implements Store {

        @Override
        public Future<Void> put(String key, JsonObject value, Duration ttl) {
            written.add(value.encode());
            return store.put(key, value, ttl);
        }

        @Override
        public Future<Boolean> putIfAbsent(String key, JsonObject value, Duration ttl) {
            written.add(value.encode());
            return store.putIfAbsent(key, value, ttl);
        }

        @Override
        public Future<JsonObject> get(String key) {
            return store.get(key);
        }

        @Override
        public Future<JsonObject> take(String key) {
            return store.take(key);
        }

        @Override
        public Future<Long> increment(String key, Duration window) {
            return store.increment(key, window);
        }

        @Override
        public Future<Void> append(String key, String value, int keepLast, Duration ttl) {
            return store.append(key, value, keepLast, ttl);
        }

        @Override
        public Future<List<String>> range(String key, int from) {
            return store.range(key, from);
        }

        @Override
        public Future<Boolean> lease(String key, String member, int max, Duration ttl) {
            return store.lease(key, member, max, ttl);
        }

        @Override
        public Future<Void> release(String key, String member) {
            return store.release(key, member);
        }

        @Override
        public Future<Void> delete(String key) {
            return store.delete(key);
        }

        @Override
        public Future<Void> ping() {
            return store.ping();
        }

        @Override
        public Future<Void> close() {
            return store.close();
        }
    }
}
