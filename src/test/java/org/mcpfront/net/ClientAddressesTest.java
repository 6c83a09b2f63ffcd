package org.mcpfront.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The client address behind trusted proxies")
class ClientAddressesTest {

    /** GCE's load balancer: its front ends connect from these ranges and append "<client>, <balancer IP>". */
    private static final ClientAddresses GCE = new ClientAddresses(
            List.of(
                    AddressRange.parse("35.191.0.0/16"),
                    AddressRange.parse("130.211.0.0/22"),
                    AddressRange.parse("34.120.1.2")),
            "X-Forwarded-For");

    private static InetAddress ip(String literal) {
        return AddressRange.literal(literal).orElseThrow();
    }

    @ParameterizedTest(name = "peer {0}, header \"{1}\" -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "35.191.3.4 | 203.0.113.9, 34.120.1.2 | 203.0.113.9",
                "35.191.3.4 | 10.9.9.9, 203.0.113.9, 34.120.1.2 | 203.0.113.9",
                "35.191.3.4 | 1.1.1.1, 2.2.2.2, 203.0.113.9, 34.120.1.2 | 203.0.113.9",
                "35.191.3.4 | 203.0.113.9:4711, 34.120.1.2 | 203.0.113.9",
                "35.191.3.4 | [2001:db8::7]:4711, 34.120.1.2 | 2001:db8::7",
                "35.191.3.4 | 2001:db8::7 ; 34.120.1.2 | 2001:db8::7",
                "35.191.3.4 | unknown, 34.120.1.2 | 34.120.1.2",
                "35.191.3.4 | 34.120.1.2 | 34.120.1.2",
                "35.191.3.4 | '' | 35.191.3.4",
            })
    @DisplayName("from a trusted proxy, the right-most address that is not a trusted proxy is the client")
    void behindTrustedProxies(String peer, String header, String client) {
        List<String> values = header.isEmpty()
                ? List.of()
                : Arrays.stream(header.split(";")).map(String::strip).toList();
        assertThat(GCE.client(ip(peer), values)).isEqualTo(ip(client));
    }
}
