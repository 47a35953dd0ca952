package io.serai.caching;

import io.serai.support.HttpDate;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FreshnessTest {

    private static final long DATE = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();

    @Test
    void sMaxAgeThenMaxAgeThenExpiresGiveTheLifetime() {
        assertEquals(30_000, lifetime(200, "max-age=10, s-maxage=30", null, null));
        assertEquals(10_000, lifetime(200, "max-age=10", date(DATE + 99_000), null));
        assertEquals(60_000, lifetime(200, null, date(DATE + 60_000), null));
        assertEquals(0, lifetime(200, null, "0", null));
        assertEquals(0, lifetime(200, null, date(DATE - 60_000), null));
    }

    @Test
    void theHeuristicIsATenthOfTheTimeSinceLastModifiedAtMostADay() {
        assertEquals(3_600_000, lifetime(200, null, null, date(DATE - 36_000_000)));
        assertEquals(Freshness.HEURISTIC_MAX_MILLIS, lifetime(404, null, null, date(DATE - 400L * 86_400_000)));
        assertEquals(0, lifetime(500, null, null, date(DATE - 36_000_000)));
        assertEquals(3_600_000, lifetime(500, "public", null, date(DATE - 36_000_000)));
    }

    @Test
    void theInitialAgeIsTheLargerOfTheApparentAgeAndTheCorrectedAgeField() {
        assertEquals(5_000, Freshness.initialAge(DATE, 0, DATE + 4_000, DATE + 5_000));
        assertEquals(31_000, Freshness.initialAge(DATE, 30, DATE, DATE + 1_000));
        assertEquals(1_000, Freshness.initialAge(DATE + 60_000, 0, DATE, DATE + 1_000), "a Date in the future");
    }

    @Test
    void anInvalidAgeCountsAsZero() {
        assertEquals(0, Freshness.parseAge("soon"));
        assertEquals(0, Freshness.parseAge("-3"));
        assertEquals(12, Freshness.parseAge(" 12 "));
    }

    private static long lifetime(int status, String cacheControl, String expires, String lastModified) {
        return Freshness.lifetime(
                status, CacheControl.parse(cacheControl), DATE, expires, HttpDates.parse(lastModified));
    }

    private static String date(long millis) {
        return HttpDate.ofMillis(millis);
    }
}
