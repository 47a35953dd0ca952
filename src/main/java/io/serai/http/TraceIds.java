package io.serai.http;

/**
 * The trace a request belongs to, as the access log names it ({@code trace_id}). With tracing on, the
 * server span's trace id is left on the exchange under {@link #PROPERTY}; with it off, the id is read from
 * the client's own W3C {@code traceparent} when that is valid, so a log line still joins the client's trace.
 */
public final class TraceIds {

    /** Exchange property: the trace id (32 lowercase hex digits) of the request's server span. */
    public static final String PROPERTY = "seraiTraceId";

    /**
     * {@link #PROPERTY}'s value for a request tracing did not sample: its trace is never exported, so its
     * log line names none (and not the client's traceparent either).
     */
    public static final String NOT_SAMPLED = "";

    public static final String TRACEPARENT = "traceparent";

    private static final String INVALID_TRACE_ID = "00000000000000000000000000000000";

    private TraceIds() {}

    /**
     * The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or null when the
     * value is absent or not valid (all-zero ids, version ff, upper case or a wrong length).
     */
    public static String fromTraceparent(String value) {
        if (value == null || value.length() < 55) {
            return null;
        }
        // A future version may append fields after a '-'; version 00 is exactly 55 characters.
        if (value.length() > 55 && (value.startsWith("00") || value.charAt(55) != '-')) {
            return null;
        }
        if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return null;
        }
        if (!hex(value, 0, 2)
                || value.startsWith("ff")
                || !hex(value, 3, 35)
                || !hex(value, 36, 52)
                || !hex(value, 53, 55)) {
            return null;
        }
        String traceId = value.substring(3, 35);
        if (traceId.equals(INVALID_TRACE_ID) || value.startsWith("0000000000000000", 36)) {
            return null;
        }
        return traceId;
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
