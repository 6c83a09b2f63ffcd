package org.mcpfront.oauth.clients;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.mcpfront.net.AddressRange;

/**
 * Which resolved addresses a client metadata document may be fetched from. A {@code client_id} is
 * chosen by whoever starts an authorization request, so without this check anyone could make the
 * server fetch from its own network (cloud metadata server, Redis, the admin port of a backend).
 *
 * <p>Only public unicast addresses pass: every range of the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries is refused (IPv4-mapped addresses are IPv4 ones in Java), IPv6 outside global unicast ({@code 2000::/3})
 * is refused, and an IPv6 address
 * that carries an IPv4 one (NAT64, SIIT, 6to4, Teredo, IPv4-compatible) is refused when the IPv4 address
 * inside would be.
 */
final class AddressPolicy {

    private record Special(AddressRange range, String name) {
        Special(String cidr, String name) {
            this(AddressRange.parse(cidr), name);
        }
    }

    private static final AddressRange IPV4_LOOPBACK = AddressRange.parse("127.0.0.0/8");
    private static final AddressRange IPV6_LOOPBACK = AddressRange.parse("::1/128");

    /** IANA IPv4 Special-Purpose Address Registry, plus multicast and the reserved 240/4. */
    private static final List<Special> IPV4 = List.of(
            new Special("0.0.0.0/8", "a \"this network\" address"),
            new Special("10.0.0.0/8", "a private address"),
            new Special("100.64.0.0/10", "a carrier-grade NAT address"),
            new Special("127.0.0.0/8", "a loopback address"),
            new Special("169.254.0.0/16", "a link-local address"),
            new Special("172.16.0.0/12", "a private address"),
            new Special("192.0.0.0/24", "an IETF protocol assignment address"),
            new Special("192.0.2.0/24", "a documentation address"),
            new Special("192.31.196.0/24", "an AS112 address"),
            new Special("192.52.193.0/24", "an AMT address"),
            new Special("192.88.99.0/24", "a 6to4 relay address"),
            new Special("192.168.0.0/16", "a private address"),
            new Special("192.175.48.0/24", "an AS112 address"),
            new Special("198.18.0.0/15", "a benchmarking address"),
            new Special("198.51.100.0/24", "a documentation address"),
            new Special("203.0.113.0/24", "a documentation address"),
            new Special("224.0.0.0/4", "a multicast address"),
            new Special("240.0.0.0/4", "a reserved address"));

    /** IANA IPv6 Special-Purpose Address Registry, plus the link-local and multicast blocks. */
    private static final List<Special> IPV6 = List.of(
            new Special("::/128", "the unspecified address"),
            new Special("::1/128", "a loopback address"),
            new Special("64:ff9b:1::/48", "a local-use NAT64 address"),
            new Special("100::/64", "a discard-only address"),
            new Special("100:0:0:1::/64", "a dummy IPv6 prefix address"),
            new Special("2001::/23", "an IETF protocol assignment address (Teredo, benchmarking, ORCHID)"),
            new Special("2001:db8::/32", "a documentation address"),
            new Special("2002::/16", "a 6to4 address"),
            new Special("2620:4f:8000::/48", "an AS112 address"),
            new Special("3fff::/20", "a documentation address"),
            new Special("5f00::/16", "a segment routing address"),
            new Special("fc00::/7", "a unique local address"),
            new Special("fe80::/10", "a link-local address"),
            new Special("ff00::/8", "a multicast address"));

    private static final AddressRange GLOBAL_UNICAST = AddressRange.parse("2000::/3");
    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");
    private static final AddressRange SIIT = AddressRange.parse("::ffff:0:0:0/96");
    private static final AddressRange IPV4_COMPATIBLE = AddressRange.parse("::/96");
    private static final AddressRange SIX_TO_FOUR = AddressRange.parse("2002::/16");
    private static final AddressRange TEREDO = AddressRange.parse("2001::/32");

    private AddressPolicy() {}

    /**
     * Why the address may not be used, or empty when it may. The reason names the kind of address and
     * the address itself; it is for the log, not for the person who sent the {@code client_id}.
     *
     * @param allowLoopback true only in tests, which serve documents from 127.0.0.1
     */
    static Optional<String> refusal(InetAddress address, boolean allowLoopback) {
        if (allowLoopback && (IPV4_LOOPBACK.contains(address) || IPV6_LOOPBACK.contains(address))) {
            return Optional.empty();
        }
        if (address instanceof Inet4Address) {
            return special(IPV4, address).map(name -> name + " (" + address.getHostAddress() + ")");
        }
        Optional<String> embedded = embeddedRefusal((Inet6Address) address, allowLoopback);
        if (embedded.isPresent()) {
            return embedded;
        }
        Optional<String> special = special(IPV6, address);
        if (special.isPresent()) {
            return special.map(name -> name + " (" + address.getHostAddress() + ")");
        }
        if (!GLOBAL_UNICAST.contains(address) && !NAT64.contains(address)) {
            return Optional.of("an address outside IPv6 global unicast (" + address.getHostAddress() + ")");
        }
        return Optional.empty();
    }

    private static Optional<String> special(List<Special> table, InetAddress address) {
        return table.stream()
                .filter(s -> s.range().contains(address))
                .map(Special::name)
                .findFirst();
    }

    /**
     * The refusal of the IPv4 address an IPv6 address carries, if it carries one: NAT64 (RFC 6052,
     * well-known prefix), SIIT ({@code ::ffff:0:a.b.c.d}), IPv4-compatible ({@code ::a.b.c.d}), 6to4
     * ({@code 2002:AABB:CCDD::}) and Teredo (the client's address, inverted, in the last 32 bits).
     */
    private static Optional<String> embeddedRefusal(Inet6Address address, boolean allowLoopback) {
        byte[] b = address.getAddress();
        String form;
        byte[] v4;
        if (NAT64.contains(address)
                || SIIT.contains(address)
                || (IPV4_COMPATIBLE.contains(address) && !allZero(b, 12, 15))) {
            form = NAT64.contains(address) ? "NAT64" : SIIT.contains(address) ? "SIIT" : "IPv4-compatible";
            v4 = new byte[] {b[12], b[13], b[14], b[15]};
        } else if (SIX_TO_FOUR.contains(address)) {
            form = "6to4";
            v4 = new byte[] {b[2], b[3], b[4], b[5]};
        } else if (TEREDO.contains(address)) {
            form = "Teredo";
            v4 = new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]};
        } else {
            return Optional.empty();
        }
        InetAddress inner = ipv4(v4);
        return refusal(inner, allowLoopback)
                .map(reason -> "the " + form + " form (" + address.getHostAddress() + ") of " + reason);
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
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
