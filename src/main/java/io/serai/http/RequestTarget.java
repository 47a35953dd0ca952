package io.serai.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The request-target of an HTTP request, parsed once (RFC 9112 section 3.2) and its path normalized
 * (RFC 3986 section 6.2.2): unreserved escapes decoded, other escapes upper-cased, dot segments removed,
 * repeated slashes merged. That one path chooses the route, is what access rules see and is what a
 * backend receives, so no two parts of Serai can read one request two ways. Targets that backends
 * disagree on are refused instead ({@link BadRequestTarget}): encoded slashes (unless allowed), encoded
 * or literal backslashes, NUL, malformed escapes, characters outside RFC 3986, dot segments hidden
 * behind path parameters ({@code ..;}), segments that are empty once their parameters are removed,
 * and fragments. The query is kept exactly as sent (control and non-ASCII characters refused).
 * <p>
 * Written here rather than with java.net.URI, which re-encodes, accepts backslashes and neither merges
 * slashes nor knows about path parameters.
 * <p>
 * Long because: RFC 9112's four target forms and RFC 3986's normalization are one grammar, read in one pass.
 */
public final class RequestTarget {

    private static final String[] NO_SEGMENTS = new String[0];

    private final String raw;
    private final String authority;
    private final String path;
    private final String query;
    private final String[] segments;
    private final String[] keys;
    private final boolean trailingSlash;

    private RequestTarget(
            String raw,
            String authority,
            String path,
            String query,
            String[] segments,
            String[] keys,
            boolean trailingSlash) {
        this.raw = raw;
        this.authority = authority;
        this.path = path;
        this.query = query;
        this.segments = segments;
        this.keys = keys;
        this.trailingSlash = trailingSlash;
    }

    /** Parses {@code target} refusing encoded slashes, as Serai does by default. */
    public static RequestTarget parse(String target) {
        return parse(target, false);
    }

    /**
     * Parses a request-target in origin-form ({@code /path?query}), absolute-form
     * ({@code http://host/path?query}) or asterisk-form ({@code *}).
     *
     * @param allowEncodedSlash pass {@code %2F} through undecoded instead of refusing it
     * @throws BadRequestTarget with a short reason when Serai does not route such a target
     */
    public static RequestTarget parse(String target, boolean allowEncodedSlash) {
        if (target.equals("*")) {
            return new RequestTarget(target, null, "*", null, NO_SEGMENTS, NO_SEGMENTS, false);
        }
        String authority = null;
        int start = 0;
        if (target.isEmpty() || target.charAt(0) != '/') {
            int scheme = schemeLength(target);
            if (scheme < 0) {
                throw new BadRequestTarget("request target must start with / or be an absolute http(s) URI");
            }
            int end = scheme;
            while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
                end++;
            }
            authority = target.substring(scheme, end);
            if (authority.isEmpty() || authority.indexOf('@') >= 0 || !HostNames.isAuthority(authority)) {
                throw new BadRequestTarget("absolute request target with an invalid authority");
            }
            start = end;
        }
        int hash = target.indexOf('#', start);
        if (hash >= 0) {
            throw new BadRequestTarget("request target with a fragment (#)");
        }
        int q = target.indexOf('?', start);
        int pathEnd = q < 0 ? target.length() : q;
        String query = q < 0 ? null : target.substring(q + 1);
        if (query != null) {
            checkQuery(query);
        }
        String rawPath = start == pathEnd ? "/" : target.substring(start, pathEnd);
        if (rawPath.charAt(0) != '/') {
            // absolute-form with a query and no path: http://host?x
            rawPath = "/" + rawPath;
        }
        return normalized(target, authority, rawPath, query, allowEncodedSlash);
    }

    private static RequestTarget normalized(
            String raw, String authority, String rawPath, String query, boolean allowEncodedSlash) {
        List<String> kept = new ArrayList<>();
        int n = rawPath.length();
        int from = 1;
        boolean lastWasDot = false;
        while (from <= n) {
            int slash = rawPath.indexOf('/', from);
            int to = slash < 0 ? n : slash;
            if (to > from) {
                String segment = segment(rawPath, from, to, allowEncodedSlash);
                String key = keyOf(segment);
                boolean dot = key.equals(".") || key.equals("..");
                if (dot && !key.equals(segment)) {
                    throw new BadRequestTarget("dot segment with path parameters");
                }
                if (key.isEmpty()) {
                    throw new BadRequestTarget("path segment that is empty once its parameters or dots are removed");
                }
                if (segment.equals("..")) {
                    if (!kept.isEmpty()) {
                        kept.remove(kept.size() - 1);
                    }
                } else if (!segment.equals(".")) {
                    kept.add(segment);
                }
                lastWasDot = dot;
            } else {
                lastWasDot = false;
            }
            from = to + 1;
        }
        boolean trailingSlash = !kept.isEmpty() && (rawPath.endsWith("/") || lastWasDot);
        String[] segments = kept.toArray(NO_SEGMENTS);
        StringBuilder path = new StringBuilder(rawPath.length());
        for (String s : segments) {
            path.append('/').append(s);
        }
        if (segments.length == 0 || trailingSlash) {
            path.append('/');
        }
        return new RequestTarget(raw, authority, path.toString(), query, segments, keysOf(segments), trailingSlash);
    }

    /** One segment of the path, its escapes normalized; refuses what backends read differently. */
    private static String segment(String rawPath, int from, int to, boolean allowEncodedSlash) {
        StringBuilder out = null;
        for (int i = from; i < to; i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (!isHex(rawPath, i + 1, to) || !isHex(rawPath, i + 2, to)) {
                    throw new BadRequestTarget("malformed percent-escape in the path");
                }
                int value =
                        Character.digit(rawPath.charAt(i + 1), 16) * 16 + Character.digit(rawPath.charAt(i + 2), 16);
                if (value == 0) {
                    throw new BadRequestTarget("NUL (%00) in the path");
                }
                if (value == '\\') {
                    throw new BadRequestTarget("encoded backslash (%5C) in the path");
                }
                if (value == '/' && !allowEncodedSlash) {
                    throw new BadRequestTarget("encoded slash (%2F) in the path");
                }
                if (out == null) {
                    out = new StringBuilder(to - from).append(rawPath, from, i);
                }
                if (isUnreserved((char) value)) {
                    out.append((char) value);
                } else {
                    out.append('%')
                            .append(Character.toUpperCase(rawPath.charAt(i + 1)))
                            .append(Character.toUpperCase(rawPath.charAt(i + 2)));
                }
                i += 2;
            } else if (isPathChar(c)) {
                if (out != null) {
                    out.append(c);
                }
            } else if (c == '\\') {
                throw new BadRequestTarget("backslash in the path");
            } else {
                throw new BadRequestTarget("character not allowed in a path (RFC 3986)");
            }
        }
        return out == null ? rawPath.substring(from, to) : out.toString();
    }

    private static void checkQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new BadRequestTarget("control, space or non-ASCII character in the query");
            }
        }
    }

    /**
     * A segment as backends that honour path parameters or drop trailing dots read it: {@code admin;v=1}
     * and {@code admin.} both read {@code admin}. Routes match on these keys.
     */
    public static String keyOf(String segment) {
        int semicolon = segment.indexOf(';');
        String key = semicolon < 0 ? segment : segment.substring(0, semicolon);
        if (key.equals(".") || key.equals("..")) {
            return key;
        }
        int end = key.length();
        while (end > 0 && key.charAt(end - 1) == '.') {
            end--;
        }
        return end == key.length() ? key : key.substring(0, end);
    }

    private static String[] keysOf(String[] segments) {
        String[] keys = null;
        for (int i = 0; i < segments.length; i++) {
            String key = keyOf(segments[i]);
            if (key != segments[i] && keys == null) {
                keys = segments.clone();
            }
            if (keys != null) {
                keys[i] = key;
            }
        }
        return keys == null ? segments : keys;
    }

    private static int schemeLength(String target) {
        if (target.regionMatches(true, 0, "http://", 0, 7)) {
            return 7;
        }
        if (target.regionMatches(true, 0, "https://", 0, 8)) {
            return 8;
        }
        return -1;
    }

    private static boolean isHex(String s, int i, int end) {
        return i < end && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 0x80;
    }

    static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }

    /** RFC 3986 pchar without pct-encoded: unreserved, sub-delims, ':' and '@'. */
    private static boolean isPathChar(char c) {
        return isUnreserved(c) || "!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    /** The target exactly as the client sent it, for logs. */
    public String raw() {
        return raw;
    }

    /** The authority of an absolute-form target, or null for origin-form. */
    public String authority() {
        return authority;
    }

    /** The normalized path: what routes, access rules and backends see; {@code *} for asterisk-form. */
    public String path() {
        return path;
    }

    /** The query without '?', exactly as sent, or null when there was none. */
    public String rawQuery() {
        return query;
    }

    /** True for {@code OPTIONS *}. */
    public boolean isAsterisk() {
        return "*".equals(path);
    }

    /** Origin-form of this target: the normalized path and the query as sent. */
    public String originForm() {
        return query == null ? path : path + "?" + query;
    }

    /** Number of non-empty segments of the normalized path. */
    public int segmentCount() {
        return segments.length;
    }

    /** Segment {@code i} of the normalized path, its path parameters kept. */
    public String segment(int i) {
        return segments[i];
    }

    /** Segment {@code i} as routes match it: path parameters and trailing dots removed. */
    public String key(int i) {
        return keys[i];
    }

    /**
     * The normalized path below the first {@code matched} segments, as a route that matched those
     * passes it on ({@code CamelHttpPath}): {@code /api/x/} below {@code /api} is {@code /x/}.
     */
    public String pathBelow(int matched) {
        if (matched == 0) {
            return path;
        }
        if (matched >= segments.length) {
            return trailingSlash && matched == segments.length ? "/" : "";
        }
        StringBuilder rest = new StringBuilder();
        for (int i = matched; i < segments.length; i++) {
            rest.append('/').append(segments[i]);
        }
        if (trailingSlash) {
            rest.append('/');
        }
        return rest.toString();
    }

    @Override
    public String toString() {
        return originForm();
    }

    /** Why Serai does not route a request-target; its message is short and safe to send to the client. */
    public static final class BadRequestTarget extends RuntimeException {
        public BadRequestTarget(String reason) {
            super(reason, null, false, false);
        }
    }
}
