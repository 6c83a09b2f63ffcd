package org.mcpfront.net;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which address a request comes from. The TCP peer, unless the peer is a trusted proxy
 * ({@code server.trusted_proxies}): then its header ({@code server.trusted_proxy_header}, by default
 * X-Forwarded-For) is read from the right, where each proxy appended the address it saw, skipping the
 * trusted proxies, and the first other address is the client. What the client itself wrote there, left
 * of that, is never believed; and from a peer that is not trusted the header counts for nothing.
 */
public final class ClientAddresses {

    private final List<AddressRange> trusted;
    private final String header;

    public ClientAddresses(List<AddressRange> trusted, String header) {
        this.trusted = List.copyOf(trusted);
        this.header = header;
    }

    public InetAddress of(HttpServerRequest request) {
        InetAddress peer = peer(request.remoteAddress());
        if (trusted.isEmpty() || !trusted(peer)) {
            return peer;
        }
        return client(peer, request.headers().getAll(header));
    }

    /** The client behind {@code peer} (a trusted proxy) according to the header values it passed on. */
    InetAddress client(InetAddress peer, List<String> headerValues) {
        List<String> hops = new ArrayList<>();
        for (String value : headerValues) {
            for (String hop : value.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = address(hops.get(i));
            if (hop.isEmpty()) {
                // Not an address ("unknown", an obfuscated name): nothing left of it can be traced.
                return client;
            }
            client = hop.get();
            if (!trusted(client)) {
                return client;
            }
        }
        return client;
    }

    private boolean trusted(InetAddress address) {
        return trusted.stream().anyMatch(range -> range.contains(address));
    }

    private static InetAddress peer(SocketAddress remote) {
        return Optional.ofNullable(remote)
                .map(SocketAddress::hostAddress)
                .flatMap(AddressRange::literal)
                .orElse(InetAddress.getLoopbackAddress());
    }

    /** {@code 203.0.113.7}, {@code 203.0.113.7:4711}, {@code 2001:db8::1} or {@code [2001:db8::1]:4711}. */
    private static Optional<InetAddress> address(String hop) {
        String literal = hop;
        if (hop.startsWith("[") && hop.indexOf(']') > 0) {
            literal = hop.substring(1, hop.indexOf(']'));
        } else if (hop.indexOf(':') > 0 && hop.indexOf(':') == hop.lastIndexOf(':')) {
            literal = hop.substring(0, hop.indexOf(':'));
        }
        return AddressRange.literal(literal);
    }
}
