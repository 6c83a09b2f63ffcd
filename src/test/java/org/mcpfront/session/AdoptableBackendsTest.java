package org.mcpfront.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcpfront.bus.ClientTransport;
import org.mcpfront.bus.SessionOwner;
import org.mcpfront.bus.SessionSpec;
import org.mcpfront.config.ConfigFiles;
import org.mcpfront.config.ConfigParser;
import org.mcpfront.config.FrontConfig;
import org.mcpfront.protocol.Era;
import org.mcpfront.protocol.RequestStates;

/**
 * Which backends, as {@link Backends#forSession} builds them for a 2025 client, carry on a session adopted
 * from an instance that died: the whole chain (bridges included) must take the session's facts.
 */
@DisplayName("An adopted 2025 session's backend")
class AdoptableBackendsTest {

    private static final SessionOwner OWNER = new SessionOwner("alice", "alice@example.com", "client");
    private static final String INITIALIZE =
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}";

    private static Vertx vertx;
    private static FrontConfig config;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        String yaml = """
                oauth:
                  issuer: "http://localhost:8080"
                  identity: dev
                  allowed_domains: [example.com]
                routes:
                  - { path: /auto, type: stdio, command: [fake] }
                  - { path: /pinned, type: stdio, command: [fake], protocol: "2025" }
                  - { path: /ends, type: stdio, command: [fake], on_process_loss: end }
                  - { path: /streamable, type: http, backend: "http://127.0.0.1:9/mcp" }
                  - { path: /sse, type: http, backend: "http://127.0.0.1:9/sse" }
                  - { path: /modern, type: http, backend: "http://127.0.0.1:9/mcp", protocol: "2026" }
                  - { path: /modern-stdio, type: stdio, command: [fake], protocol: "2026" }
                """;
        config = ConfigParser.parse(ConfigFiles.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), Map.of());
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "/auto, true",
        "/pinned, true",
        "/ends, false",
        "/streamable, true",
        "/sse, true",
        "/modern, true",
        "/modern-stdio, true"
    })
    @DisplayName("takes the session on where the route allows it")
    void resumes(String path, boolean adoptable) {
        SessionSpec spec =
                new SessionSpec("s1", config.route(path).orElseThrow(), ClientTransport.STREAMABLE, null, OWNER);
        SessionFacts facts = new SessionFacts(
                "s1", path, OWNER, ClientTransport.STREAMABLE, "2025-06-18", INITIALIZE, true, "up-1", null, "dead", 0);
        Backend backend = Backends.forSession(
                        vertx,
                        new BackendHttp(vertx),
                        spec,
                        path.startsWith("/modern") ? Era.MODERN : Era.LEGACY,
                        new RequestStates(new byte[32], Clock.systemUTC()))
                .apply(new BackendListener() {
                    @Override
                    public void onMessage(String raw, String relatedIdKey) {}

                    @Override
                    public boolean awaitingResponse(String idKey) {
                        return false;
                    }

                    @Override
                    public void onRequestFailed(String idKey, String reason) {}

                    @Override
                    public void onFailure(String kind, String reason) {}
                });
        assertThat(backend.resume(facts)).isEqualTo(adoptable);
    }
}
