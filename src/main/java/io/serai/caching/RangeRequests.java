package io.serai.caching;

import java.util.Map;

/**
 * Whether a GET is answered from a stored response with part of it (RFC 9110 section 14, RFC 9111
 * section 3.3): a single valid {@code bytes} range of a stored 200, when If-Range, if sent, names the
 * stored representation by a strong validator (section 13.1.5). Otherwise the Range field is ignored
 * and the whole response is the answer, as section 14.2 allows.
 */
final class RangeRequests {

    static final String RANGE = "Range";
    static final String IF_RANGE = "If-Range";

    private RangeRequests() {}

    /** The range to answer with, or null for the whole response. HEAD never gets one (section 14.2). */
    static ByteRange applicable(Map<String, Object> request, StoredResponse stored, boolean head) {
        if (head || stored.headOnly || stored.status != 200 || stored.body.length == 0) {
            return null;
        }
        ByteRange range = ByteRange.parse(MessageFields.joined(request, RANGE));
        if (range == null) {
            return null;
        }
        String ifRange = MessageFields.joined(request, IF_RANGE);
        return ifRange == null || matches(ifRange.trim(), stored) ? range : null;
    }

    /**
     * If-Range's condition (section 13.1.5): a strong entity-tag equal to the stored strong ETag, or an
     * HTTP-date equal to a stored Last-Modified that is a strong validator: the stored Date is at least
     * a second later (section 8.8.2.2, as a cache compares it).
     */
    static boolean matches(String ifRange, StoredResponse stored) {
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            String etag = stored.etag == null ? null : stored.etag.trim();
            return !ifRange.startsWith("W/") && etag != null && etag.startsWith("\"") && etag.equals(ifRange);
        }
        long asked = Freshness.parseDate(ifRange);
        long modified = stored.lastModifiedMillis;
        long date = Freshness.parseDate(stored.field("Date"));
        return asked != HttpDates.INVALID && asked == modified && date != HttpDates.INVALID && date - modified >= 1000;
    }

    /**
     * {@code stored} with the fields of a backend's 206 for the same representation (RFC 9111 sections
     * 3.2 and 3.4): same strong ETag, and a single part, {@code Content-Range: bytes a-b/N}, of a whole as
     * long as the stored body; else null. The part's own framing (Content-Length, Content-Range) is not
     * taken; the stored body stays whole, as no parts are combined. Whether the 206 may be kept at all
     * (private, no-store, authorization) the caller asks {@link Storability} first.
     */
    static StoredResponse updatedByPartial(
            StoredResponse stored, Map<String, Object> partial, String age, long requestTime, long responseTime) {
        String etag = MessageFields.joined(partial, "ETag");
        if (stored.headOnly
                || etag == null
                || !etag.trim().startsWith("\"")
                || stored.etag == null
                || !etag.trim().equals(stored.etag.trim())
                || completeLength(MessageFields.joined(partial, "Content-Range")) != stored.body.length) {
            return null;
        }
        return stored.freshened(MessageFields.pairs(partial), age, requestTime, responseTime);
    }

    /** N of {@code bytes a-b/N} (RFC 9110 section 14.4), or -1 for anything else (none, {@code *}, unsatisfied). */
    static long completeLength(String contentRange) {
        if (contentRange == null) {
            return -1;
        }
        String value = contentRange.trim();
        if (!value.regionMatches(true, 0, "bytes ", 0, 6)) {
            return -1;
        }
        value = value.substring(6).trim();
        int dash = value.indexOf('-');
        int slash = value.indexOf('/');
        if (dash <= 0 || slash < dash + 2 || slash == value.length() - 1) {
            return -1;
        }
        try {
            long first = Long.parseLong(value.substring(0, dash));
            long last = Long.parseLong(value.substring(dash + 1, slash));
            long complete = Long.parseLong(value.substring(slash + 1));
            return first >= 0 && first <= last && last < complete ? complete : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
