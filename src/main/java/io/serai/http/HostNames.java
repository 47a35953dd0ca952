package io.serai.http;

import java.util.Locale;

/**
 * Host names as HTTP carries them (RFC 9110 section 7.2, RFC 3986 section 3.2.2): checks an authority
 * ({@code host[:port]}, no user info) and reduces it to the name virtual hosts compare.
 */
public final class HostNames {

    private HostNames() {}

    /** True for {@code reg-name}, IPv4 or {@code [IPv6]}, with an optional port of at most five digits. */
    public static boolean isAuthority(String authority) {
        int n = authority.length();
        int hostEnd;
        if (n > 0 && authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = authority.charAt(i);
                if (!(Character.digit(c, 16) >= 0 && c < 0x80) && c != ':' && c != '.') {
                    return false;
                }
            }
            hostEnd = close + 1;
        } else {
            hostEnd = authority.indexOf(':');
            if (hostEnd < 0) {
                hostEnd = n;
            }
            if (hostEnd == 0) {
                return false;
            }
            for (int i = 0; i < hostEnd; i++) {
                char c = authority.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || "-._~!$&'()*+,;=%".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
        }
        if (hostEnd == n) {
            return true;
        }
        if (authority.charAt(hostEnd) != ':' || n - hostEnd - 1 > 5) {
            return false;
        }
        for (int i = hostEnd + 1; i < n; i++) {
            if (authority.charAt(i) < '0' || authority.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The host of {@code authority} as names compare: lower case, without the port and without a
     * trailing dot ({@code API.Example.com.:8080} is {@code api.example.com}); null stays null.
     */
    public static String name(String authority) {
        if (authority == null) {
            return null;
        }
        String host = authority;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            host = close < 0 ? host : host.substring(0, close + 1);
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
