package org.mcpfront.net;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a single
 * address is the block of its own length ({@code /32}, {@code /128}). Only literals are read: nothing
 * here ever asks DNS.
 */
public final class AddressRange {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private AddressRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Reads {@code 203.0.113.0/24}, {@code 2001:db8::/32} or a bare address.
     *
     * @throws IllegalArgumentException when it is not an address literal with an optional prefix length
     *                                  that fits it, or the address has bits set beyond the prefix
     */
    public static AddressRange parse(String value) {
        String trimmed = value.strip();
        int slash = trimmed.indexOf('/');
        String literal = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = bytes(literal)
                .orElseThrow(() -> new IllegalArgumentException(
                        "\"" + value + "\" is not an IP address or CIDR range, e.g. 10.0.0.0/8 or 2001:db8::/32"));
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = trimmed.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("\"" + value + "\" has a prefix length that is not 0-" + bits);
            }
            prefix = Integer.parseInt(length);
        }
        if (mapped(address)) {
            // Java hands out IPv4-mapped addresses as IPv4 ones: the range must be IPv4 too to match them.
            if (prefix < 96) {
                throw new IllegalArgumentException("\"" + value + "\" mixes IPv4-mapped and other IPv6 addresses; "
                        + "write the IPv4 range itself");
            }
            address = Arrays.copyOfRange(address, 12, 16);
            prefix -= 96;
        }
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("\"" + value + "\" has bits set after the first " + prefix
                    + "; the range starts at " + format(masked) + "/" + prefix);
        }
        return new AddressRange(masked, prefix, format(masked) + "/" + prefix);
    }

    /** The address an IP literal spells, without any DNS lookup; empty when it is not one. */
    public static Optional<InetAddress> literal(String value) {
        return bytes(value.strip()).map(AddressRange::address);
    }

    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private static boolean mapped(byte[] address) {
        return address.length == 16 && Arrays.equals(Arrays.copyOf(address, 12), MAPPED_PREFIX);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && Arrays.equals(mask(candidate, prefixLength), network);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range && range.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The 4 or 16 bytes of an address literal, brackets allowed around IPv6; no zone ids. */
    private static Optional<byte[]> bytes(String literal) {
        String bare =
                literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        if (bare.isEmpty() || bare.indexOf('%') >= 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(NetUtil.createByteArrayFromIpAddressString(bare));
    }

    /** IPv4-mapped IPv6 bytes ({@code ::ffff:10.0.0.1}) become an IPv4 address, as everywhere in Java. */
    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            // getByAddress only throws for a length other than 4 or 16, which NetUtil never returns.
            throw new IllegalStateException(e);
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    private static String format(byte[] address) {
        return NetUtil.bytesToIpAddress(address);
    }
}
