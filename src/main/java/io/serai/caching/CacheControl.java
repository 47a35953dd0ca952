package io.serai.caching;

import java.util.Locale;

/**
 * The directives of a Cache-Control field (RFC 9111 section 5.2), for a request or a response. Times
 * are in seconds; -1 means the directive is absent. Unknown directives are ignored, never taken as
 * permission. A qualified {@code no-cache="field"} or {@code private="field"} counts as unqualified,
 * which is the safe reading for a cache that does not strip single fields.
 */
public record CacheControl(
        boolean noStore,
        boolean noCache,
        boolean isPrivate,
        boolean isPublic,
        boolean mustRevalidate,
        boolean proxyRevalidate,
        boolean onlyIfCached,
        long maxAge,
        long sMaxAge,
        long maxStale,
        long minFresh,
        long staleWhileRevalidate,
        long staleIfError,
        boolean immutable) {

    /** {@code max-stale} without a value: any staleness is acceptable. */
    public static final long ANY = Long.MAX_VALUE;

    public static final CacheControl NONE =
            new CacheControl(false, false, false, false, false, false, false, -1, -1, -1, -1, -1, -1, false);

    /** Parses the field's value (all its lines joined with commas); null gives {@link #NONE}. */
    public static CacheControl parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        Builder b = new Builder();
        int i = 0;
        int n = value.length();
        while (i < n) {
            int end = directiveEnd(value, i);
            String directive = value.substring(i, end).trim();
            i = end + 1;
            if (directive.isEmpty()) {
                continue;
            }
            int eq = directive.indexOf('=');
            String name =
                    (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String arg = eq < 0 ? null : unquote(directive.substring(eq + 1).trim());
            b.add(name, arg);
        }
        return b.build();
    }

    /** Where the directive starting at {@code from} ends: the next comma outside a quoted string. */
    private static int directiveEnd(String value, int from) {
        boolean quoted = false;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == ',' && !quoted) {
                return i;
            }
        }
        return value.length();
    }

    private static String unquote(String arg) {
        if (arg.length() >= 2 && arg.charAt(0) == '"' && arg.charAt(arg.length() - 1) == '"') {
            return arg.substring(1, arg.length() - 1);
        }
        return arg;
    }

    /** True when a shared cache may not serve the response stale without revalidating it (section 4.2.4). */
    public boolean forbidsStale() {
        return mustRevalidate || proxyRevalidate || noCache;
    }

    private static final class Builder {
        boolean noStore, noCache, isPrivate, isPublic, mustRevalidate, proxyRevalidate, onlyIfCached, immutable;
        long maxAge = -1, sMaxAge = -1, maxStale = -1, minFresh = -1, swr = -1, sie = -1;

        void add(String name, String arg) {
            switch (name) {
                case "no-store" -> noStore = true;
                case "no-cache" -> noCache = true;
                case "private" -> isPrivate = true;
                case "public" -> isPublic = true;
                case "must-revalidate" -> mustRevalidate = true;
                case "proxy-revalidate" -> proxyRevalidate = true;
                case "only-if-cached" -> onlyIfCached = true;
                case "immutable" -> immutable = true;
                case "max-age" -> maxAge = smaller(maxAge, seconds(arg));
                case "s-maxage" -> sMaxAge = smaller(sMaxAge, seconds(arg));
                case "max-stale" -> maxStale = arg == null ? ANY : smaller(maxStale, seconds(arg));
                case "min-fresh" -> minFresh = Math.max(minFresh, seconds(arg));
                case "stale-while-revalidate" -> swr = smaller(swr, seconds(arg));
                case "stale-if-error" -> sie = smaller(sie, seconds(arg));
                default -> {
                    // An extension this cache does not know grants nothing (section 5.2.3).
                }
            }
        }

        /** Of two values for one directive the more restrictive counts (section 4.2.1). */
        private static long smaller(long current, long next) {
            return current < 0 ? next : Math.min(current, next);
        }

        /**
         * delta-seconds (section 1.2.2): an invalid value counts as 0, which makes a response stale
         * rather than fresh; a huge one is capped.
         */
        private static long seconds(String arg) {
            if (arg == null || arg.isEmpty()) {
                return 0;
            }
            long v = 0;
            for (int i = 0; i < arg.length(); i++) {
                char c = arg.charAt(i);
                if (c < '0' || c > '9') {
                    return 0;
                }
                v = v * 10 + (c - '0');
                if (v > Integer.MAX_VALUE) {
                    return Integer.MAX_VALUE;
                }
            }
            return v;
        }

        CacheControl build() {
            return new CacheControl(
                    noStore,
                    noCache,
                    isPrivate,
                    isPublic,
                    mustRevalidate,
                    proxyRevalidate,
                    onlyIfCached,
                    maxAge,
                    sMaxAge,
                    maxStale,
                    minFresh,
                    swr,
                    sie,
                    immutable);
        }
    }
}
