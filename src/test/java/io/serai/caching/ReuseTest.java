package io.serai.caching;

import io.serai.support.HttpDate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When a stored response may answer a request without the backend (RFC 9111 section 4.2), only after
 * validation (section 4.3), or stale by the RFC 5861 extensions. Every stored response here arrived at
 * {@link #ARRIVED} with a Date of that instant, so its age is exactly the seconds that passed since.
 */
@Timeout(10)
class ReuseTest {

    private static final long ARRIVED = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();

    @ParameterizedTest(name = "[{index}] {4}: response \"{0}\", request \"{1}\", age {2}s -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # response Cache-Control                 | request Cache-Control | age s | reuse                  | rule
            max-age=60                               |                       | 30    | FRESH                  | RFC 9111 4.2: fresh while lifetime > age
            max-age=60                               |                       | 60    | VALIDATE               | RFC 9111 4.2: age = lifetime is stale, 4.3 validate
            max-age=60                               |                       | 61    | VALIDATE               | RFC 9111 4.2.4: stale is not served by default
            s-maxage=60, max-age=5                   |                       | 30    | FRESH                  | RFC 9111 4.2.1: s-maxage wins in a shared cache
            no-cache, max-age=60                     |                       | 0     | VALIDATE               | RFC 9111 5.2.2.4: response no-cache, 4.3 validate
            max-age=60                               | no-cache              | 0     | VALIDATE               | RFC 9111 5.2.1.4: request no-cache
            max-age=60                               | max-age=30            | 30    | FRESH                  | RFC 9111 5.2.1.1: age not above request max-age
            max-age=60                               | max-age=29            | 30    | VALIDATE               | RFC 9111 5.2.1.1: age above request max-age
            max-age=60                               | min-fresh=30          | 30    | FRESH                  | RFC 9111 5.2.1.3: fresh for min-fresh more
            max-age=60                               | min-fresh=31          | 30    | VALIDATE               | RFC 9111 5.2.1.3: not fresh long enough
            max-age=60                               | max-stale=10          | 70    | STALE_ALLOWED          | RFC 9111 5.2.1.2: stale within max-stale
            max-age=60                               | max-stale=10          | 71    | VALIDATE               | RFC 9111 5.2.1.2: staler than max-stale
            max-age=60                               | max-stale             | 86400 | STALE_ALLOWED          | RFC 9111 5.2.1.2: max-stale without a value
            max-age=60, must-revalidate              | max-stale             | 61    | VALIDATE               | RFC 9111 5.2.2.2: must-revalidate forbids stale
            max-age=60, proxy-revalidate             | max-stale             | 61    | VALIDATE               | RFC 9111 5.2.2.8: proxy-revalidate in a shared cache
            s-maxage=60                              | max-stale             | 61    | VALIDATE               | RFC 9111 5.2.2.10: s-maxage implies proxy-revalidate
            max-age=60, stale-while-revalidate=30    |                       | 90    | STALE_WHILE_REVALIDATE | RFC 5861 3: stale within stale-while-revalidate
            max-age=60, stale-while-revalidate=30    |                       | 91    | VALIDATE               | RFC 5861 3: past the stale-while-revalidate window
            max-age=60, stale-while-revalidate=30    | min-fresh=1           | 80    | VALIDATE               | RFC 9111 5.2.1.3: min-fresh asks for fresh only
            max-age=60, stale-while-revalidate=30, must-revalidate | | 80       | VALIDATE               | RFC 9111 5.2.2.2: must-revalidate over RFC 5861
            """)
    void aStoredResponseIsReusedOnlyAsItsAgeAndBothCacheControlsAllow(
            String response, String request, long ageSeconds, Reuse expected, String rule) {
        assertEquals(
                expected, Reuse.of(stored(response), CacheControl.parse(request), ARRIVED + ageSeconds * 1000), rule);
    }

    @ParameterizedTest(name = "[{index}] {4}: response \"{0}\", request \"{1}\", age {2}s -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # response Cache-Control                  | request Cache-Control | age s | stands in | rule
            max-age=60, stale-if-error=30             |                       | 90    | true      | RFC 5861 4: response stale-if-error
            max-age=60, stale-if-error=30             |                       | 91    | false     | RFC 5861 4: past the stale-if-error window
            max-age=60                                | stale-if-error=30     | 90    | true      | RFC 5861 4: request stale-if-error
            max-age=60, stale-if-error=10             | stale-if-error=30     | 90    | true      | RFC 5861 4: the wider window of the two
            max-age=60                                |                       | 61    | false     | RFC 9111 4.2.4: stale is not served without leave
            max-age=60                                |                       | 30    | false     | RFC 5861 4: no stale-if-error, no stand-in even fresh
            max-age=60, stale-if-error=30, must-revalidate  |                 | 70    | false     | RFC 9111 5.2.2.2: must-revalidate forbids stale
            max-age=60, stale-if-error=30, proxy-revalidate |                 | 70    | false     | RFC 9111 5.2.2.8: proxy-revalidate forbids stale
            """)
    void aStaleResponseStandsInForAnErrorOnlyWithinStaleIfError(
            String response, String request, long ageSeconds, boolean expected, String rule) {
        assertEquals(
                expected,
                Reuse.onError(stored(response), CacheControl.parse(request), ARRIVED + ageSeconds * 1000),
                rule);
    }

    private static StoredResponse stored(String cacheControl) {
        String date = HttpDate.ofMillis(ARRIVED);
        return StoredResponse.of(
                200,
                "OK",
                List.of("Date", date, "Cache-Control", cacheControl),
                null,
                new byte[0],
                false,
                VaryValues.NONE,
                ARRIVED,
                ARRIVED,
                TargetedControl.DEFAULT);
    }
}
