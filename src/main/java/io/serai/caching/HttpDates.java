package io.serai.caching;

import java.time.LocalDate;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Strict HTTP-dates (RFC 9110 section 5.6.7): exactly IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}),
 * and the two obsolete forms recipients must accept, RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and
 * asctime ({@code Sun Nov  6 08:49:37 1994}). Anything else is invalid: another zone than {@code GMT}, a
 * two-digit year in the IMF form, a missing comma, doubled spaces, dashes in the IMF form, a one-digit
 * hour, periods in the time, several values joined by commas. The day name must be one, but is not
 * checked against the date (RFC 9110 asks recipients for no such check). Netty's {@code DateFormatter} was the
 * parser before: it is lenient on purpose (it takes all of those), which turned an invalid Expires into
 * a future date; java.time's RFC_1123 formatter is lenient too (zones, one-digit days).
 */
final class HttpDates {

    private static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    private static final List<String> LONG_DAYS =
            List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday");
    private static final List<String> MONTHS =
            List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    /**
     * What {@link #parse} gives for an absent or invalid date: not -1, since a date before 1970 is valid
     * and has negative milliseconds.
     */
    static final long INVALID = Long.MIN_VALUE;

    private HttpDates() {}

    /** The date as epoch milliseconds, or {@link #INVALID} when absent or not a valid HTTP-date. */
    static long parse(String value) {
        if (value == null) {
            return INVALID;
        }
        String v = value.trim();
        if (v.length() == 29 && v.charAt(3) == ',') {
            return imfFixdate(v);
        }
        if (v.length() == 24 && v.charAt(3) == ' ') {
            return asctime(v);
        }
        return rfc850(v);
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    private static long imfFixdate(String v) {
        if (!DAYS.contains(v.substring(0, 3))
                || !v.startsWith(" ", 4)
                || v.charAt(7) != ' '
                || v.charAt(11) != ' '
                || v.charAt(16) != ' '
                || !v.endsWith(" GMT")) {
            return INVALID;
        }
        return at(number(v, 12, 4), MONTHS.indexOf(v.substring(8, 11)), number(v, 5, 2), v, 17);
    }

    /** {@code Sun Nov  6 08:49:37 1994}: the day is two digits or a space and one digit. */
    private static long asctime(String v) {
        if (!DAYS.contains(v.substring(0, 3)) || v.charAt(7) != ' ' || v.charAt(10) != ' ' || v.charAt(19) != ' ') {
            return INVALID;
        }
        int day = v.charAt(8) == ' ' ? number(v, 9, 1) : number(v, 8, 2);
        return at(number(v, 20, 4), MONTHS.indexOf(v.substring(4, 7)), day, v, 11);
    }

    /**
     * {@code Sunday, 06-Nov-94 08:49:37 GMT}. A two-digit year more than 50 years ahead is the most recent
     * past year with those digits (RFC 9110 section 5.6.7).
     */
    private static long rfc850(String v) {
        int comma = v.indexOf(',');
        if (comma < 0 || !LONG_DAYS.contains(v.substring(0, comma))) {
            return INVALID;
        }
        String rest = v.substring(comma);
        // ", 06-Nov-94 08:49:37 GMT"
        if (rest.length() != 24
                || rest.charAt(1) != ' '
                || rest.charAt(4) != '-'
                || rest.charAt(8) != '-'
                || rest.charAt(11) != ' '
                || !rest.endsWith(" GMT")) {
            return INVALID;
        }
        int yy = number(rest, 9, 2);
        if (yy < 0) {
            return INVALID;
        }
        int now = Year.now(ZoneOffset.UTC).getValue();
        int year = now / 100 * 100 + yy;
        if (year > now + 50) {
            year -= 100;
        }
        return at(year, MONTHS.indexOf(rest.substring(5, 8)), number(rest, 2, 2), rest, 12);
    }

    /** Epoch milliseconds of the date and the {@code HH:MM:SS} at {@code time}, or {@link #INVALID} when out of range. */
    private static long at(int year, int monthIndex, int day, String v, int time) {
        if (year < 0 || monthIndex < 0 || day < 1 || v.charAt(time + 2) != ':' || v.charAt(time + 5) != ':') {
            return INVALID;
        }
        int hour = number(v, time, 2);
        int minute = number(v, time + 3, 2);
        int second = number(v, time + 6, 2);
        // second 60 is a leap second (RFC 5322 section 3.3)
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
            return INVALID;
        }
        if (day > LocalDate.of(year, monthIndex + 1, 1).lengthOfMonth()) {
            return INVALID;
        }
        long days = LocalDate.of(year, monthIndex + 1, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L;
    }

    /** The {@code length} ASCII digits at {@code from} as a number, or -1 when any is not a digit. */
    private static int number(String v, int from, int length) {
        int n = 0;
        for (int i = from; i < from + length; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
