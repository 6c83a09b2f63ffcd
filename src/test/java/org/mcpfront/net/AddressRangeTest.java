package org.mcpfront.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Address ranges")
class AddressRangeTest {

    private static InetAddress ip(String literal) {
        return AddressRange.literal(literal).orElseThrow();
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.255.1.2, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "198.18.0.0/15, 198.19.255.255, true",
        "198.18.0.0/15, 198.20.0.0, false",
        "203.0.113.7, 203.0.113.7, true",
        "203.0.113.7, 203.0.113.8, false",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "::ffff:10.0.0.0/104, 10.9.9.9, true",
        "10.0.0.0/8, ::ffff:10.1.1.1, true",
        "0.0.0.0/0, 8.8.8.8, true",
        "0.0.0.0/0, 2001:db8::1, false",
    })
    @DisplayName("a range contains the addresses under its prefix, of its own family")
    void contains(String range, String address, boolean contained) {
        assertThat(AddressRange.parse(range).contains(ip(address))).isEqualTo(contained);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "example.com",
                "10.0.0.0/33",
                "2001:db8::/129",
                "10.0.0.1/8",
                "10.0.0.0/-1",
                "",
                "fe80::1%eth0",
                "::ffff:0:0/80"
            })
    @DisplayName("names, bad prefix lengths and host bits are refused, with no DNS lookup")
    void refuses(String value) {
        assertThatThrownBy(() -> AddressRange.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a range prints in canonical form")
    void canonical() {
        assertThat(AddressRange.parse("2001:DB8:0:0::/32")).hasToString("2001:db8::/32");
        assertThat(AddressRange.parse("[::1]")).hasToString("::1/128");
        assertThat(AddressRange.parse(" 130.211.0.0/22 ")).hasToString("130.211.0.0/22");
    }
}
