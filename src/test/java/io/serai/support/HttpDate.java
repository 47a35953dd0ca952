package io.serai.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** HTTP-dates for tests, as an IMF-fixdate (RFC 9110 section 5.6.7), with the two-digit day the grammar asks. */
public final class HttpDate {

    // Not DateTimeFormatter.RFC_1123_DATE_TIME: it writes "2 Dec", which a strict recipient refuses.
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private HttpDate() {}

    public static String of(Instant at) {
        return IMF_FIXDATE.format(at.atOffset(ZoneOffset.UTC));
    }

    public static String ofMillis(long epochMillis) {
        return of(Instant.ofEpochMilli(epochMillis));
    }
}
