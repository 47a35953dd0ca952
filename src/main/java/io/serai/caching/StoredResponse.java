package io.serai.caching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A response as the shared cache keeps it: status, end-to-end fields, body bytes, the secondary key
 * (Vary) it was stored under, and what its age and freshness are computed from. Immutable; a 304
 * that refreshes it makes a new one ({@link #freshened}).
 */
final class StoredResponse {

    /** Fields the cache computes or that describe a hop, not the stored representation. */
    private static final Set<String> NOT_STORED = Set.of("age", "cache-status");
    /** One client's cookies: stored (and served to others) only with an explicit {@code public}. */
    private static final Set<String> COOKIES = Set.of("set-cookie", "set-cookie2");
    /** Fields a 304 does not replace (RFC 9111 section 3.2): the stored body's own framing. */
    private static final Set<String> KEPT_ON_UPDATE =
            Set.of("content-length", "content-encoding", "content-range", "transfer-encoding");

    final int status;
    final String reason;
    final String[] fields;
    final byte[] body;
    final boolean headOnly;
    final VaryValues vary;
    final long responseTime;
    final long initialAge;
    final TargetedControl targeting;
    /** The directives in force: a targeted field's (RFC 9213) when valid, else Cache-Control's. */
    final CacheControl control;

    final long lifetime;
    final String etag;
    final String lastModified;
    /** {@link #lastModified} as epoch milliseconds, read once at store time; {@link HttpDates#INVALID} when none. */
    final long lastModifiedMillis;

    final int weight;

    private StoredResponse(
            int status,
            String reason,
            String[] fields,
            byte[] body,
            boolean headOnly,
            VaryValues vary,
            long initialAge,
            long responseTime,
            TargetedControl targeting) {
        this.status = status;
        this.reason = reason;
        this.fields = fields;
        this.body = body;
        this.headOnly = headOnly;
        this.vary = vary;
        this.responseTime = responseTime;
        long date = date(fields, responseTime);
        this.initialAge = initialAge;
        this.targeting = targeting;
        TargetedControl.Directives directives = targeting.of(this::field);
        this.control = directives.control();
        // An invalid Last-Modified is no validator and gives no heuristic lifetime.
        String modified = field("Last-Modified");
        this.lastModifiedMillis = HttpDates.parse(modified);
        this.lastModified = lastModifiedMillis == HttpDates.INVALID ? null : modified;
        this.lifetime = Freshness.lifetime(status, control, date, directives.expires(), lastModifiedMillis);
        this.etag = field("ETag");
        int w = 256 + body.length + vary.weight();
        for (String f : fields) {
            w += f.length() * 2;
        }
        this.weight = w;
    }

    /**
     * A response to store. {@code pairs} are its fields as name, value pairs; {@code age} is the Age
     * field it arrived with (used for its age, not stored); times are epoch milliseconds; {@code targeting}
     * names the targeted fields (RFC 9213) Serai reads: its own, then CDN-Cache-Control.
     */
    static StoredResponse of(
            int status,
            String reason,
            List<String> pairs,
            String age,
            byte[] body,
            boolean headOnly,
            VaryValues vary,
            long requestTime,
            long responseTime,
            TargetedControl targeting) {
        boolean keepCookies =
                targeting.of(name -> joined(pairs, name)).control().isPublic();
        List<String> kept = new ArrayList<>(pairs.size() + 2);
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            String name = pairs.get(i).toLowerCase(Locale.ROOT);
            if (!NOT_STORED.contains(name) && (keepCookies || !COOKIES.contains(name))) {
                kept.add(pairs.get(i));
                kept.add(pairs.get(i + 1));
            }
        }
        String[] stored = kept.toArray(String[]::new);
        long initialAge =
                Freshness.initialAge(date(stored, responseTime), Freshness.parseAge(age), requestTime, responseTime);
        return new StoredResponse(status, reason, stored, body, headOnly, vary, initialAge, responseTime, targeting);
    }

    /**
     * A response as another replica stored it (see {@link SharedEntryFormat}): its age keeps counting
     * from the time it was received there, so the Age a client gets is right on every replica.
     */
    static StoredResponse restored(
            int status,
            String reason,
            String[] fields,
            byte[] body,
            boolean headOnly,
            VaryValues vary,
            long initialAge,
            long responseTime,
            TargetedControl targeting) {
        return new StoredResponse(status, reason, fields, body, headOnly, vary, initialAge, responseTime, targeting);
    }

    /** Its Date, or the time it was received when it has none (or an invalid one). */
    private static long date(String[] fields, long responseTime) {
        long date = Freshness.parseDate(joined(Arrays.asList(fields), "Date"));
        return date == HttpDates.INVALID ? responseTime : date;
    }

    /**
     * This response refreshed by a 304 (RFC 9111 sections 3.2 and 4.3.4): each field the 304 carries
     * replaces the stored one of that name, except the body's framing, and the age starts over. A
     * {@code Set-Cookie} on the 304 belongs to the client that revalidated: it is stored only when the
     * 304's own directives (under the targeted control in force) say {@code public}, never because the
     * stored response did.
     */
    StoredResponse freshened(List<String> pairs, String age, long requestTime, long responseTime) {
        boolean publicCookies =
                targeting.of(name -> joined(pairs, name)).control().isPublic();
        Set<String> replaced = new java.util.HashSet<>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            String name = pairs.get(i).toLowerCase(Locale.ROOT);
            if (!KEPT_ON_UPDATE.contains(name)
                    && !NOT_STORED.contains(name)
                    && (publicCookies || !COOKIES.contains(name))) {
                replaced.add(name);
            }
        }
        List<String> merged = new ArrayList<>(fields.length + pairs.size());
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (!replaced.contains(fields[i].toLowerCase(Locale.ROOT))) {
                merged.add(fields[i]);
                merged.add(fields[i + 1]);
            }
        }
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            if (replaced.contains(pairs.get(i).toLowerCase(Locale.ROOT))) {
                merged.add(pairs.get(i));
                merged.add(pairs.get(i + 1));
            }
        }
        return of(status, reason, merged, age, body, headOnly, vary, requestTime, responseTime, targeting);
    }

    /** Age now, in milliseconds (RFC 9111 section 4.2.3). */
    long age(long now) {
        return initialAge + Math.max(0, now - responseTime);
    }

    boolean isFresh(long now) {
        return lifetime > age(now);
    }

    /** How long past its lifetime the response is now, in milliseconds; negative while fresh. */
    long staleness(long now) {
        return age(now) - lifetime;
    }

    boolean hasValidators() {
        return etag != null || lastModified != null;
    }

    /** The field's lines joined with ", ", or null. */
    String field(String name) {
        return joined(Arrays.asList(fields), name);
    }

    private static String joined(List<String> pairs, String name) {
        String joined = null;
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            if (pairs.get(i).equalsIgnoreCase(name)) {
                joined = joined == null ? pairs.get(i + 1) : joined + ", " + pairs.get(i + 1);
            }
        }
        return joined;
    }
}
