package io.serai.resilience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's allowance: a full burst at first, then one request per refill interval, never more than
 * the burst saved up. The bucket takes the time as an argument, so each test drives its own clock.
 */
@Timeout(10)
class TokenBucketTest {

    private static final long T0 = 1_000_000_000_000L;

    @ParameterizedTest(name = "[{index}] {3}: {0}/s burst {1} at ms {2} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # per second | burst | requests at ms                    | what it shows                          | admitted
            1            | 3     | 0 0 0 0                           | a full burst at once, then none         | YYYN
            1            | 3     | 0 0 0 0 999 1000                  | one more per second, not before         | YYYNNY
            2            | 1     | 0 0 499 500 1000                  | 2/s refills every 500 ms                | YNNYY
            1            | 2     | 0 0 3600000 3600000 3600000       | an idle hour saves up the burst, no more | YYYYN
            10           | 5     | 0 0 0 0 0 0 100 150 200           | refill is continuous, not per period    | YYYYYNYNY
            0.5          | 1     | 0 1999 2000                       | below one per second                    | YNY
            """)
    void requestsAreAdmittedWhileTokensLast(double perSecond, int burst, String times, String what, String admitted) {
        TokenBucket bucket = new TokenBucket(perSecond, burst, T0);
        StringBuilder seen = new StringBuilder();
        for (String ms : times.split(" ")) {
            seen.append(
                    bucket.take(T0 + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(ms)))
                                    .admitted()
                            ? 'Y'
                            : 'N');
        }
        assertEquals(admitted, seen.toString(), what);
    }

    @Test
    void eachTakeSaysWhatIsLeftAndHowLongUntilTheNextAndAFullBucket() {
        TokenBucket bucket = new TokenBucket(2, 3, T0);
        assertEquals(new TokenBucket.Take(true, 2, 0, ms(500)), bucket.take(T0));
        assertEquals(new TokenBucket.Take(true, 1, 0, ms(1000)), bucket.take(T0));
        assertEquals(new TokenBucket.Take(true, 0, ms(500), ms(1500)), bucket.take(T0));
        assertEquals(new TokenBucket.Take(false, 0, ms(500), ms(1500)), bucket.take(T0));
        TokenBucket.Take later = bucket.take(T0 + ms(250));
        assertFalse(later.admitted());
        assertEquals(ms(250), later.nanosUntilNext(), "half a token saved, half to go");
        assertEquals(ms(1250), later.nanosUntilFull());
    }

    @Test
    void aTakeStampedBeforeTheBucketWasMadeStillFindsTheBurst() {
        // Two requests of one client may read the clock in one order and reach the bucket in the other.
        TokenBucket bucket = new TokenBucket(1, 2, T0);
        assertEquals(new TokenBucket.Take(true, 1, 0, ms(1000)), bucket.take(T0 - ms(5)));
    }

    @Test
    void aClockThatStepsBackGivesNoTokens() {
        TokenBucket bucket = new TokenBucket(1, 1, T0);
        assertTrue(bucket.take(T0).admitted());
        assertFalse(bucket.take(T0 - ms(10_000)).admitted(), "an earlier time is not a refill");
        assertFalse(bucket.take(T0 + ms(999)).admitted(), "and it does not move the refill point back");
        assertTrue(bucket.take(T0 + ms(1000)).admitted());
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
