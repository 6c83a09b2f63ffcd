package org.mcpfront.oauth.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mcpfront.net.AddressRange;

@DisplayName("Where client metadata documents may be fetched from")
class AddressPolicyTest {

    private static InetAddress ip(String literal) {
        return AddressRange.literal(literal).orElseThrow();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "127.0.0.1 | a loopback address",
                "10.1.2.3 | a private address",
                "172.16.0.1 | a private address",
                "192.168.1.1 | a private address",
                "169.254.169.254 | a link-local address",
                "100.64.1.2 | a carrier-grade NAT address",
                "0.1.2.3 | this network",
                "192.0.0.170 | an IETF protocol assignment address",
                "192.0.2.1 | a documentation address",
                "198.18.0.1 | a benchmarking address",
                "198.19.255.254 | a benchmarking address",
                "198.51.100.1 | a documentation address",
                "203.0.113.1 | a documentation address",
                "192.88.99.1 | a 6to4 relay address",
                "224.0.0.1 | a multicast address",
                "255.255.255.255 | a reserved address",
                "::1 | a loopback address",
                ":: | the unspecified address",
                "fd00::1 | a unique local address",
                "fe80::1 | a link-local address",
                "ff02::1 | a multicast address",
                "2001:db8::1 | a documentation address",
                "100::1 | a discard-only address",
                "::ffff:192.168.1.1 | a private address (192.168.1.1)",
                "64:ff9b::a9fe:a9fe | the NAT64 form (64:ff9b:0:0:0:0:a9fe:a9fe) of a link-local address "
                        + "(169.254.169.254)",
                "64:ff9b:1::a00:1 | a local-use NAT64 address",
                "::ffff:0:a00:1 | the SIIT form",
                "::a00:1 | the IPv4-compatible form",
                "2002:7f00:1:: | the 6to4 form (2002:7f00:1:0:0:0:0:0) of a loopback address (127.0.0.1)",
                "2002:a00:1::1 | the 6to4 form",
                "2001:0:4136:e378:8000:63bf:f5ff:fffe | the Teredo form (2001:0:4136:e378:8000:63bf:f5ff:fffe) of a "
                        + "private address (10.0.0.1)",
                "2001:0:4136:e378:8000:63bf:f7f7:f7f7 | an IETF protocol assignment address",
                "2001:2::1 | an IETF protocol assignment address",
                "2002:808:808::1 | a 6to4 address",
                "::808:808 | outside IPv6 global unicast",
                "3fff::1 | a documentation address",
            })
    @DisplayName("internal and special-purpose addresses are refused, also when an IPv6 form carries them")
    void refused(String address, String reason) {
        assertThat(AddressPolicy.refusal(ip(address), false))
                .hasValueSatisfying(r -> assertThat(r).contains(reason));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "151.101.1.69",
                "2606:4700:4700::1111",
                "2a00:1450:4001:80b::200e",
                "64:ff9b::808:808"
            })
    @DisplayName("public unicast addresses pass, NAT64 of a public IPv4 address too")
    void allowed(String address) {
        assertThat(AddressPolicy.refusal(ip(address), false)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1", "::1", "::ffff:127.0.0.1"})
    @DisplayName("the tests' loopback allowance lets loopback through and nothing else")
    void loopbackAllowance(String address) {
        assertThat(AddressPolicy.refusal(ip(address), true)).isEmpty();
        assertThat(AddressPolicy.refusal(ip("10.0.0.1"), true)).isPresent();
        assertThat(AddressPolicy.refusal(ip("2002:7f00:1::"), true))
                .as("6to4 is special-purpose anyway")
                .isPresent();
    }
}
