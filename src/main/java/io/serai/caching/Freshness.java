package io.serai.caching;

import java.util.Set;

/** Freshness lifetime and age of a stored response (RFC 9111 sections 4.2.1 to 4.2.3), in milliseconds. */
final class Freshness {

    /** A heuristic lifetime is this fraction of the time since Last-Modified (section 4.2.2)... */
    static final double HEURISTIC_FRACTION = 0.1;
    /** ...and never longer than a day, so a years-old Last-Modified does not pin a response for weeks. */
    static final long HEURISTIC_MAX_MILLIS = 24L * 3600 * 1000;

    /** Status codes that are heuristically cacheable (RFC 9110 section 15.1). */
    private static final Set<Integer> HEURISTICALLY_CACHEABLE =
            Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

    private Freshness() {}

    static boolean heuristicallyCacheable(int status) {
        return HEURISTICALLY_CACHEABLE.contains(status);
    }

    /**
     * The freshness lifetime: s-maxage, else max-age, else Expires minus Date, else a heuristic from
     * Last-Modified for statuses (or {@code public} responses) that allow one, else zero.
     */
    static long lifetime(int status, CacheControl control, long date, String expires, long lastModified) {
        return Math.min(MAX_LIFETIME, uncapped(status, control, date, expires, lastModified));
    }

    private static long uncapped(int status, CacheControl control, long date, String expires, long lastModified) {
        if (control.sMaxAge() >= 0) {
            return control.sMaxAge() * 1000;
        }
        if (control.maxAge() >= 0) {
            return control.maxAge() * 1000;
        }
        if (expires != null) {
            long at = parseDate(expires);
            // An invalid Expires (including "0") means already expired (section 5.3).
            return at == HttpDates.INVALID ? 0 : Math.max(0, at - date);
        }
        if (heuristicallyCacheable(status) || control.isPublic()) {
            if (lastModified != HttpDates.INVALID && date > lastModified) {
                return Math.min((long) ((date - lastModified) * HEURISTIC_FRACTION), HEURISTIC_MAX_MILLIS);
            }
        }
        return 0;
    }

    /** True when the response says how long it is fresh, without a heuristic. */
    static boolean hasExplicitLifetime(CacheControl control, String expires) {
        return control.sMaxAge() >= 0 || control.maxAge() >= 0 || expires != null;
    }

    /**
     * The age a response had when it arrived (section 4.2.3): the larger of what its Date says and what
     * its Age field says plus the time the request took.
     */
    static long initialAge(long date, long ageSeconds, long requestTime, long responseTime) {
        long apparent = Math.max(0, responseTime - date);
        long corrected = ageSeconds * 1000 + (responseTime - requestTime);
        return Math.max(apparent, corrected);
    }

    /** An HTTP-date as epoch milliseconds, or {@link HttpDates#INVALID} when absent or invalid. */
    static long parseDate(String value) {
        return HttpDates.parse(value);
    }

    /** Past 2^31 - 1 an Age (or any delta-seconds) counts as 2^31 (RFC 9111 section 1.2.2): stale. */
    static final long AGE_CAP = 2147483648L;

    /**
     * The longest freshness lifetime, 2^31 - 1 seconds (about 68 years), the largest delta-seconds: an
     * Expires further ahead is capped, so an Age at {@link #AGE_CAP} always makes a response stale.
     */
    static final long MAX_LIFETIME = (AGE_CAP - 1) * 1000;

    /**
     * An Age value in seconds (RFC 9111 section 5.1): of several members the first counts; one that is
     * not a non-negative integer (a sign, a fraction, letters) is ignored, as cache-tests.fyi expects; a
     * huge one is capped at 2^31.
     */
    static long parseAge(String value) {
        if (value == null) {
            return 0;
        }
        int comma = value.indexOf(',');
        String v = (comma >= 0 ? value.substring(0, comma) : value).trim();
        if (v.isEmpty()) {
            return 0;
        }
        long age = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            age = Math.min(AGE_CAP, age * 10 + (c - '0'));
        }
        return age;
    }
}
