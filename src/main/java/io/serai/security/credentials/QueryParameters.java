package io.serai.security.credentials;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Finds and removes one parameter in a raw query string ({@code a=1&api_key=k&b=2}), leaving every
 * other byte of the query as the client sent it. Netty's QueryStringDecoder would give the values but
 * not the query without one parameter, and re-encoding a decoded query would change what the backend
 * receives; so the split on '&' is done here, and Netty decodes the name and value.
 */
public final class QueryParameters {

    /** How many times a parameter occurs and its first value, percent-decoded ('+' stays '+'). */
    public record Found(int count, String first) {
        static final Found NONE = new Found(0, null);
    }

    private QueryParameters() {}

    public static Found find(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Found.NONE;
        }
        int count = 0;
        String first = null;
        int start = 0;
        while (start <= rawQuery.length()) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            int eq = rawQuery.indexOf('=', start);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            if (isName(rawQuery, start, nameEnd, name)) {
                count++;
                if (first == null) {
                    first = nameEnd == end ? "" : decode(rawQuery.substring(nameEnd + 1, end));
                }
            }
            start = end + 1;
        }
        return count == 0 ? Found.NONE : new Found(count, first);
    }

    /** {@code rawQuery} without any {@code name} parameter, or null when nothing is left. */
    public static String without(String rawQuery, String name) {
        StringBuilder kept = new StringBuilder(rawQuery.length());
        boolean any = false;
        int start = 0;
        while (start <= rawQuery.length()) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            int eq = rawQuery.indexOf('=', start);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            if (!isName(rawQuery, start, nameEnd, name)) {
                if (any) {
                    kept.append('&');
                }
                kept.append(rawQuery, start, end);
                any = true;
            }
            start = end + 1;
        }
        return kept.length() == 0 ? null : kept.toString();
    }

    private static boolean isName(String query, int from, int to, String name) {
        if (to - from == name.length() && query.regionMatches(from, name, 0, name.length())) {
            return true;
        }
        // A percent-encoded name (api%5Fkey) is the same parameter to a backend that decodes it.
        int escape = query.indexOf('%', from);
        return escape >= 0 && escape < to && decode(query.substring(from, to)).equals(name);
    }

    private static String decode(String raw) {
        return raw.indexOf('%') < 0 ? raw : QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"));
    }
}
