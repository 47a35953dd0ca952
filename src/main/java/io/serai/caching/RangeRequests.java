package io.serai.caching;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
     * 3.2 and 3.4): same strong ETag, else null. The part's own framing (Content-Length, Content-Range,
     * a multipart Content-Type) is not taken; the stored body stays whole, as no parts are combined.
     */
    static StoredResponse updatedByPartial(
            StoredResponse stored, Map<String, Object> partial, String age, long requestTime, long responseTime) {
        String etag = MessageFields.joined(partial, "ETag");
        if (etag == null
                || !etag.trim().startsWith("\"")
                || stored.etag == null
                || !etag.trim().equals(stored.etag.trim())) {
            return null;
        }
        List<String> pairs = new ArrayList<>(MessageFields.pairs(partial));
        for (int i = pairs.size() - 2; i >= 0; i -= 2) {
            if (pairs.get(i).equalsIgnoreCase("Content-Type")
                    && pairs.get(i + 1).trim().toLowerCase(Locale.ROOT).startsWith("multipart/byteranges")) {
                pairs.remove(i + 1);
                pairs.remove(i);
            }
        }
        return stored.freshened(pairs, age, requestTime, responseTime);
    }
}
