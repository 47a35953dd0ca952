package io.serai.caching;

import java.util.Locale;

/**
 * One {@code bytes} range of a Range field (RFC 9110 section 14.1.2): {@code first-last},
 * {@code first-} or the suffix {@code -n}. Hand-written: Netty and Camel parse no Range field, and the
 * grammar is a few lines.
 */
record ByteRange(long first, long last, long suffix) {

    /** Digits beyond this many are a number larger than any body: treated as {@link Long#MAX_VALUE}. */
    private static final int MAX_DIGITS = 18;

    /**
     * The single range the field asks for; null when it is absent, not {@code bytes}, not valid, or
     * asks for several ranges (which Serai answers with the whole response, as section 14.2 allows).
     */
    static ByteRange parse(String field) {
        if (field == null) {
            return null;
        }
        int equals = field.indexOf('=');
        if (equals < 0
                || !field.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return null;
        }
        ByteRange only = null;
        for (String element : field.substring(equals + 1).split(",", -1)) {
            String spec = element.trim();
            if (spec.isEmpty()) {
                continue; // empty list elements are allowed (RFC 9110 section 5.6.1)
            }
            if (only != null) {
                return null;
            }
            only = spec(spec);
            if (only == null) {
                return null;
            }
        }
        return only;
    }

    private static ByteRange spec(String spec) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String first = spec.substring(0, dash);
        String last = spec.substring(dash + 1);
        if (first.isEmpty()) {
            long suffix = number(last);
            return suffix < 0 ? null : new ByteRange(-1, -1, suffix);
        }
        long from = number(first);
        if (from < 0) {
            return null;
        }
        if (last.isEmpty()) {
            return new ByteRange(from, Long.MAX_VALUE, -1);
        }
        long to = number(last);
        return to < from ? null : new ByteRange(from, to, -1);
    }

    /** 1*DIGIT as a number; -1 when not digits. */
    private static long number(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return digits.length() > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /**
     * The first and last byte this range selects of a body of {@code length} bytes (length > 0); null
     * when it selects none: unsatisfiable (section 14.1.1).
     */
    long[] within(long length) {
        if (suffix >= 0) {
            return suffix == 0 ? null : new long[] {Math.max(0, length - suffix), length - 1};
        }
        return first >= length ? null : new long[] {first, Math.min(last, length - 1)};
    }
}
