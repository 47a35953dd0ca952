package io.serai.http;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which header fields belong to one connection only (RFC 9110 section 7.6.1) and so must never be
 * forwarded by a proxy, in either direction: the fixed list plus every field named in Connection.
 */
public final class HopByHopHeaders {

    /** Fields named by this message's Connection header(s), lower case; empty when none. */
    private final Set<String> listed;

    private HopByHopHeaders(Set<String> listed) {
        this.listed = listed;
    }

    public static HopByHopHeaders of(HttpHeaders headers) {
        if (!headers.contains("Connection")) {
            return new HopByHopHeaders(Set.of());
        }
        Set<String> names = new TreeSet<>();
        for (String value : headers.getAll("Connection")) {
            for (String token : value.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return new HopByHopHeaders(names);
    }

    /** True when {@code name} must not cross this proxy. */
    public boolean excludes(String name) {
        return isAlwaysHopByHop(name) || (!listed.isEmpty() && listed.contains(name.toLowerCase(Locale.ROOT)));
    }

    public static boolean isAlwaysHopByHop(String name) {
        // Picked by length first, then compared without case: no lower-case copy per header and per
        // crossing (the set lookup with toLowerCase was among issue 22's profile's top frames).
        return switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("te");
            case 7 -> name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 16 -> name.equalsIgnoreCase("proxy-connection");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
    }

    /** Camel's own headers steer routing; no client or backend may set them, and none leaves Serai. */
    public static boolean isCamelInternal(String name) {
        // Most fields start with another letter: one char test instead of three comparisons.
        int first = name.isEmpty() ? 0 : name.charAt(0) | 0x20;
        if (first != 'c' && first != 'o' && first != 'b') {
            return false;
        }
        return name.regionMatches(true, 0, "Camel", 0, 5)
                || name.regionMatches(true, 0, "org.apache.camel", 0, 16)
                || name.equalsIgnoreCase("breadcrumbId");
    }
}
