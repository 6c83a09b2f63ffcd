package org.mcpfront.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mcpfront.testing.GoogleCloudStandIn;

@DisplayName("Google credentials: access and ID tokens from the metadata server or a service-account key, cached")
class GoogleCredentialsTest {

    private Vertx vertx;
    private GoogleCloudStandIn cloud;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    private final Clock clock = new Clock() {
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
            return now.get();
        }
    };

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        cloud = GoogleCloudStandIn.start();
    }

    @AfterEach
    void stop() throws Exception {
        cloud.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("the metadata server's ID token has the audience asked for, is reused, and is fetched again before it "
            + "expires")
    void metadataIdTokens() throws Exception {
        cloud.setIdTokenLifetime(Duration.ofMinutes(8));
        GoogleCredentials credentials = new GoogleCredentials(vertx, null, cloud.url(), clock);

        String first = await(credentials.idToken("https://backend.example.run.app"));
        assertThat(GoogleCloudStandIn.claimsOf(first).getString("aud")).isEqualTo("https://backend.example.run.app");
        assertThat(await(credentials.idToken("https://backend.example.run.app")))
                .isEqualTo(first);
        assertThat(cloud.seen("/computeMetadata/")).hasSize(1);

        // A quarter of its lifetime (2 min) before it expires, the next caller gets a new one.
        long exp = GoogleCloudStandIn.claimsOf(first).getLong("exp");
        now.set(Instant.ofEpochSecond(exp).minus(Duration.ofMinutes(2)).plusSeconds(1));
        String second = await(credentials.idToken("https://backend.example.run.app"));
        assertThat(second).isNotEqualTo(first);
        assertThat(now.get()).isBefore(Instant.ofEpochSecond(exp));
        assertThat(cloud.seen("/computeMetadata/")).hasSize(2);

        String other = await(credentials.idToken("https://other.example"));
        assertThat(GoogleCloudStandIn.claimsOf(other).getString("aud")).isEqualTo("https://other.example");
    }

    @Test
    @DisplayName("a service-account key signs assertions the token endpoint exchanges for access tokens, ID tokens and "
            + "delegated tokens")
    void serviceAccountKey() throws Exception {
        GoogleCredentials credentials = new GoogleCredentials(
                vertx, ServiceAccountKey.parse(cloud.serviceAccountKeyJson()), "http://127.0.0.1:1", clock);

        assertThat(await(credentials.accessToken("https://www.googleapis.com/auth/cloud-platform.read-only")))
                .startsWith("ya29.");
        String id = await(credentials.idToken("https://backend.example"));
        assertThat(GoogleCloudStandIn.claimsOf(id).getString("aud")).isEqualTo("https://backend.example");
        assertThat(await(credentials.delegatedAccessToken("scope", "admin@example.com")))
                .startsWith("ya29.");
        assertThat(cloud.seen("/token")).hasSize(3);
        assertThat(credentials.source()).contains(GoogleCloudStandIn.SERVICE_ACCOUNT);
    }

    @Test
    @DisplayName("an unreachable metadata server fails with a message that says what to configure, and is asked again "
            + "next time")
    void unreachable() throws Exception {
        GoogleCredentials credentials = new GoogleCredentials(vertx, null, "http://127.0.0.1:1", clock);
        assertThatThrownBy(() -> await(credentials.accessToken("scope")))
                .hasMessageContaining("metadata server")
                .hasMessageContaining("service-account key file");
        assertThatThrownBy(() -> await(credentials.delegatedAccessToken("scope", "admin@example.com")))
                .hasMessageContaining("domain-wide delegation needs a service-account key");
    }

    @Test
    @DisplayName("a key file that is not a service-account key is refused with what is wrong")
    void badKeyFile() {
        assertThatThrownBy(() -> ServiceAccountKey.parse("{\"type\":\"authorized_user\"}"))
                .hasMessageContaining("service_account");
        assertThatThrownBy(() -> ServiceAccountKey.parse("nope")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ServiceAccountKey.parse("{\"type\":\"service_account\",\"client_email\":\"a@b\","
                        + "\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\"}"))
                .hasMessageContaining("RSA PKCS#8");
    }
}
