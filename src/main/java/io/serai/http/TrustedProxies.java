package io.serai.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Finds the address of the client behind the proxies an operator trusts, as nginx's real_ip module
 * does with {@code real_ip_recursive on}: when the peer is a trusted proxy, X-Forwarded-For is read from
 * the right, trusted proxies are skipped, and the first address that is not one is the client. A
 * malformed entry ends the walk at the last trusted hop (an address a client wrote there cannot be
 * believed). Without trusted proxies, or from any other peer, X-Forwarded-For is ignored.
 */
public final class TrustedProxies {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private final AddressRules proxies;

    public TrustedProxies(AddressRules proxies) {
        this.proxies = proxies;
    }

    /**
     * The client's address for a request from {@code peer} whose client-sent headers are {@code sent}
     * (null when unknown).
     */
    public InetSocketAddress clientOf(InetSocketAddress peer, HttpHeaders sent) {
        return trusts(peer) ? clientBehind(peer, sent) : peer;
    }

    /** Whether {@code peer} is one of these proxies. */
    public boolean trusts(InetSocketAddress peer) {
        return !proxies.isEmpty() && proxies.matches(peer);
    }

    /** The client behind {@code peer}, a proxy that {@link #trusts}, as its X-Forwarded-For in {@code sent} says. */
    public InetSocketAddress clientBehind(InetSocketAddress peer, HttpHeaders sent) {
        if (sent == null) {
            return peer;
        }
        List<String> lines = sent.getAll(X_FORWARDED_FOR);
        InetSocketAddress hop = peer;
        for (int l = lines.size() - 1; l >= 0; l--) {
            String line = lines.get(l);
            int end = line.length();
            while (true) {
                int comma = line.lastIndexOf(',', end - 1);
                InetAddress address = address(line, comma + 1, end);
                if (address == null) {
                    return hop;
                }
                hop = new InetSocketAddress(address, 0);
                if (!proxies.matches(hop)) {
                    return hop;
                }
                if (comma < 0) {
                    break;
                }
                end = comma;
            }
        }
        return hop;
    }

    /**
     * The address in {@code line[from, to)}: an IPv4 or IPv6 literal, also as {@code [v6]}, {@code [v6]:port}
     * or {@code v4:port} (some proxies add the port); null when it is none of these.
     */
    static InetAddress address(String line, int from, int to) {
        String entry = line.substring(from, to).trim();
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || !isPortOrNothing(entry, close + 1)) {
                return null;
            }
            entry = entry.substring(1, close);
        } else {
            int colon = entry.indexOf(':');
            if (colon > 0 && entry.indexOf(':', colon + 1) < 0) {
                if (!isPortOrNothing(entry, colon)) {
                    return null;
                }
                entry = entry.substring(0, colon);
            }
        }
        return NetUtil.createInetAddressFromIpAddressString(entry);
    }

    private static boolean isPortOrNothing(String entry, int at) {
        if (at == entry.length()) {
            return true;
        }
        if (entry.charAt(at) != ':' || at + 1 == entry.length() || entry.length() - at > 6) {
            return false;
        }
        for (int i = at + 1; i < entry.length(); i++) {
            if (entry.charAt(i) < '0' || entry.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
