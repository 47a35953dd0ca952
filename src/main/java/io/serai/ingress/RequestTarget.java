package io.serai.ingress;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The request-target of an HTTP request as sent, split without decoding so that what reaches the
 * backend is byte-exact (java.net.URI would re-encode and rejects some targets that HTTP allows).
 *
 * @param authority the authority of an absolute-form target, or null for origin-form
 * @param rawPath   the path exactly as sent, "/" when an absolute-form target had none
 * @param rawQuery  the query without '?', or null when there was none
 */
public record RequestTarget(String authority, String rawPath, String rawQuery) {

    public static RequestTarget parse(String target) {
        String rest = target;
        String authority = null;
        int scheme = schemeLength(target);
        if (scheme > 0) {
            int start = scheme + 3;
            int end = start;
            while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
                end++;
            }
            authority = target.substring(start, end);
            rest = target.substring(end);
            if (rest.isEmpty() || rest.charAt(0) != '/') {
                rest = "/" + rest;
            }
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int q = rest.indexOf('?');
        return q < 0 ? new RequestTarget(authority, rest, null)
                : new RequestTarget(authority, rest.substring(0, q), rest.substring(q + 1));
    }

    /** Origin-form of this target: the path and query to send to a backend. */
    public String originForm() {
        return rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
    }

    /**
     * The path as access rules must see it (RFC 3986 section 6.2.2): unreserved characters decoded,
     * other escapes upper-cased, dot segments removed and repeated slashes merged, so that
     * {@code /ok/%2e%2e/denied} and {@code //denied} both read {@code /denied}.
     */
    public String normalizedPath() {
        return removeDotSegments(decodeUnreserved(rawPath));
    }

    private static int schemeLength(String target) {
        String lower = target.length() >= 8 ? target.substring(0, 8).toLowerCase(Locale.ROOT) : target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://")) {
            return 4;
        }
        if (lower.startsWith("https://")) {
            return 5;
        }
        return -1;
    }

    static String decodeUnreserved(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && isHex(path, i + 1) && isHex(path, i + 2)) {
                char decoded = (char) Integer.parseInt(path.substring(i + 1, i + 3), 16);
                if (isUnreserved(decoded)) {
                    out.append(decoded);
                } else {
                    out.append('%').append(path.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    static String removeDotSegments(String path) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        boolean trailingSlash = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
        String joined = "/" + String.join("/", segments);
        return trailingSlash && !segments.isEmpty() ? joined + "/" : joined;
    }
}
