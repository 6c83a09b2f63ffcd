package org.mcpfront.oauth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which resolved addresses a client metadata document may be fetched from. A {@code client_id} is
 * chosen by whoever starts an authorization request, so without this check anyone could make the
 * server fetch from its own network (cloud metadata server, Redis, the admin port of a backend).
 */
final class AddressPolicy {

    private AddressPolicy() {
    }

    /**
     * Why the address may not be used, or empty when it may.
     *
     * @param allowLoopback true only in tests, which serve documents from 127.0.0.1
     */
    static Optional<String> refusal(InetAddress address, boolean allowLoopback) {
        if (address instanceof Inet6Address v6) {
            Optional<Inet4Address> embedded = embeddedIpv4(v6);
            if (embedded.isPresent()) {
                return refusal(embedded.get(), allowLoopback);
            }
        }
        if (address.isLoopbackAddress()) {
            return allowLoopback ? Optional.empty() : Optional.of("a loopback address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 100 && (second & 0xc0) == 64) {
                return Optional.of("a carrier-grade NAT address");
            }
            if (first == 0 || first >= 240) {
                return Optional.of("a reserved address");
            }
        } else if ((b[0] & 0xfe) == 0xfc) {
            return Optional.of("a unique local address");
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address inside an IPv4-compatible ({@code ::a.b.c.d}) or NAT64 ({@code 64:ff9b::a.b.c.d})
     * address, both of which reach that IPv4 address. Java already turns IPv4-mapped addresses
     * ({@code ::ffff:a.b.c.d}) into {@link Inet4Address}.
     */
    private static Optional<Inet4Address> embeddedIpv4(Inet6Address address) {
        byte[] b = address.getAddress();
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
        boolean compatible = allZero(b, 0, 12) && !allZero(b, 12, 15);
        if (!nat64 && !compatible) {
            return Optional.empty();
        }
        byte[] v4 = {b[12], b[13], b[14], b[15]};
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            // getByAddress only throws for a wrong length, and four bytes is the right one.
            throw new IllegalStateException(e);
        }
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
