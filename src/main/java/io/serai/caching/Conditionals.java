package io.serai.caching;

import java.util.Map;

/**
 * A client's own conditional GET or HEAD answered from a stored response (RFC 9110 section 13.2.2):
 * If-None-Match by weak comparison, else If-Modified-Since against Last-Modified.
 */
final class Conditionals {

    static final String IF_NONE_MATCH = "If-None-Match";
    static final String IF_MODIFIED_SINCE = "If-Modified-Since";

    private Conditionals() {}

    static boolean isConditional(Map<String, Object> request) {
        return request.get(IF_NONE_MATCH) != null || request.get(IF_MODIFIED_SINCE) != null;
    }

    /** True when the request's preconditions say the client's copy is current: answer 304. */
    static boolean notModified(Map<String, Object> request, StoredResponse stored) {
        if (stored.status != 200) {
            return false;
        }
        String ifNoneMatch = MessageFields.joined(request, IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            if (stored.etag == null) {
                return false;
            }
            if (ifNoneMatch.trim().equals("*")) {
                return true;
            }
            String current = opaque(stored.etag);
            for (String tag : ifNoneMatch.split(",")) {
                if (opaque(tag).equals(current)) {
                    return true;
                }
            }
            return false;
        }
        long since = Freshness.parseDate(MessageFields.joined(request, IF_MODIFIED_SINCE));
        long modified = stored.lastModifiedMillis;
        return since != HttpDates.INVALID && modified != HttpDates.INVALID && modified <= since;
    }

    /** The opaque tag of an entity-tag, for weak comparison: {@code W/"x"} and {@code "x"} are equal. */
    private static String opaque(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }
}
