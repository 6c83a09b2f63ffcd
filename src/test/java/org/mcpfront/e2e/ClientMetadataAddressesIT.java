package org.mcpfront.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mcpfront.crypto.Secrets;
import org.mcpfront.pages.Html;
import org.mcpfront.testing.Closeables;
import org.mcpfront.testing.FrontHarness;
import org.mcpfront.testing.LogCapture;
import org.mcpfront.testing.OAuthBrowser;

/**
 * A {@code client_id} that is an https URL makes the gateway fetch it: whoever starts an authorization
 * chooses where. These requests go through the real {@code /authorize}, as an attacker would send them.
 */
@DisplayName("Client metadata documents from internal addresses")
@Timeout(120)
class ClientMetadataAddressesIT {

    private static FrontHarness front;
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = new LogCapture();
        front = FrontHarness.startAsIssuer(FrontHarness.DEV_SIGN_IN, """
                - path: "/a"
                  type: http
                  backend: "http://127.0.0.1:1/mcp"
                """);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(front, logs);
    }

    static HttpResponse<String> authorize(String clientId) {
        String url = front.url("/authorize") + "?response_type=code&client_id="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&redirect_uri=" + URLEncoder.encode("https://app.example/cb", StandardCharsets.UTF_8)
                + "&code_challenge="
                + CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(Secrets.random()))
                        .getValue() + "&code_challenge_method=S256&state=s";
        return new OAuthBrowser(front.baseUrl()).get(url);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
        "https://[2002:a00:1::]/client.json, the 6to4 form",
        "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/client.json, the Teredo form",
        "https://[::ffff:0:a00:1]/client.json, the SIIT form",
        "https://[64:ff9b:1::a00:1]/client.json, a local-use NAT64 address",
        "https://198.18.0.1/client.json, a benchmarking address",
        "https://192.0.0.1/client.json, an IETF protocol assignment address",
        "https://192.0.2.1/client.json, a documentation address",
    })
    @DisplayName("IPv6 forms of internal IPv4 addresses and special-purpose ranges are refused before any connection")
    void refusedBeforeConnecting(String clientId, String reason) {
        HttpResponse<String> page = authorize(clientId);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.headers().firstValue("Location")).isEmpty();
        Optional<ILoggingEvent> refusal = logs.await(
                e -> e.getFormattedMessage().equals("client metadata document refused")
                        && clientId.equals(LogCapture.fields(e).get("client_id")),
                Duration.ofSeconds(10));
        assertThat(refusal).isPresent();
        assertThat(LogCapture.fields(refusal.get()).get("reason"))
                .as("refused by the address check, not by the network")
                .startsWith("its host resolves to")
                .contains(reason);
    }

    @Test
    @DisplayName("the page says the same whether the host does not resolve, resolves to a private address or refuses")
    void oneGenericRefusal() {
        List<String> clientIds = List.of(
                "https://no-such-host.invalid/client.json",
                "https://10.1.2.3/client.json",
                "https://[fd00::7]/client.json",
                "https://localhost.invalid/client.json");
        List<String> pages = clientIds.stream()
                .map(id -> {
                    HttpResponse<String> page = authorize(id);
                    assertThat(page.statusCode()).isEqualTo(400);
                    return page.body().replace(Html.escape(id), "CLIENT_ID");
                })
                .toList();

        assertThat(pages)
                .allSatisfy(page -> assertThat(page)
                        .isEqualTo(pages.get(0))
                        .contains("could not be fetched")
                        .doesNotContain("resolve", "10.1.2.3", "fd00", "private", "unique local"));
    }
}
