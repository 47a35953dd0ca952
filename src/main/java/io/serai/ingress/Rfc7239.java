package io.serai.ingress;

import io.netty.util.NetUtil;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Serai's element of an RFC 7239 Forwarded field: {@code for=} the node that sent Serai the request,
 * {@code proto=} the scheme it used, {@code host=} the Host it named. IPv6 nodes are written
 * {@code "[2001:db8::1]"} and any value that is not a token is a quoted-string (section 4). Elements of
 * proxies before Serai are never parsed or rewritten, so their obfuscated identifiers pass as they are.
 * Written by hand: neither Netty nor the JDK has a writer for this field, and one element is a few appends.
 */
final class Rfc7239 {

    private Rfc7239() {}

    static String element(InetSocketAddress peer, String scheme, String host) {
        StringBuilder element = new StringBuilder(64).append("for=");
        InetAddress address = peer == null ? null : peer.getAddress();
        if (address == null) {
            element.append("unknown");
        } else if (address instanceof Inet6Address) {
            element.append("\"[").append(NetUtil.toAddressString(address)).append("]\"");
        } else {
            element.append(address.getHostAddress());
        }
        element.append(";proto=").append(scheme);
        if (host != null) {
            value(element.append(";host="), host);
        }
        return element.toString();
    }

    /** {@code value} as a token when it is one, else as a quoted-string (RFC 9110 section 5.6.4). */
    static void value(StringBuilder out, String value) {
        if (isToken(value)) {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }

    private static boolean isToken(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
