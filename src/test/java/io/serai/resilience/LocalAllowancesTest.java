package io.serai.resilience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's allowance in one process (a Bucket4j bucket): a full burst at first, then one request per
 * refill interval, never more than the burst saved up. Each test drives the buckets' clock.
 */
@Timeout(10)
class LocalAllowancesTest {

    @ParameterizedTest(name = "[{index}] {4}: {0} per {1} ms, burst {2}, at ms {3} -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # limit | period ms | burst | requests at ms               | what it shows                            | admitted
            1       | 1000      | 3     | 0 0 0 0                      | a full burst at once, then none           | YYYN
            1       | 1000      | 3     | 0 0 0 0 999 1000             | one more per second, not before           | YYYNNY
            2       | 1000      | 1     | 0 0 499 500 1000             | 2/s refills every 500 ms                  | YNNYY
            1       | 1000      | 2     | 0 0 3600000 3600000 3600000  | an idle hour saves up the burst, no more  | YYYYN
            10      | 1000      | 5     | 0 0 0 0 0 0 100 150 200      | refill is continuous, not per period      | YYYYYNYNY
            1       | 2000      | 1     | 0 1999 2000                  | below one per second                      | YNY
            """)
    void requestsAreAdmittedWhileTokensLast(
            long limit, long periodMs, long burst, String times, String what, String admitted) {
        ManualClock clock = new ManualClock();
        LocalAllowances allowances = new LocalAllowances(limit, Duration.ofMillis(periodMs), burst, 10, clock);
        StringBuilder seen = new StringBuilder();
        for (String ms : times.split(" ")) {
            clock.at(Long.parseLong(ms));
            seen.append(allowances.take("k").admitted() ? 'Y' : 'N');
        }
        assertEquals(admitted, seen.toString(), what);
    }

    @Test
    void eachTakeSaysWhatIsLeftAndHowLongUntilTheNextAndAFullBucket() {
        ManualClock clock = new ManualClock();
        LocalAllowances allowances = new LocalAllowances(2, Duration.ofSeconds(1), 3, 10, clock);
        assertEquals(new RateLimitTake(true, 2, 0, ms(500), 3), allowances.take("k"));
        assertEquals(new RateLimitTake(true, 1, 0, ms(1000), 3), allowances.take("k"));
        assertEquals(new RateLimitTake(true, 0, 0, ms(1500), 3), allowances.take("k"));
        assertEquals(new RateLimitTake(false, 0, ms(500), ms(1500), 3), allowances.take("k"));
        clock.at(250);
        RateLimitTake later = allowances.take("k");
        assertFalse(later.admitted());
        assertEquals(ms(250), later.nanosUntilNext(), "half a token saved, half to go");
        assertEquals(ms(1250), later.nanosUntilFull());
    }

    @Test
    void aClockThatStepsBackGivesNoTokens() {
        ManualClock clock = new ManualClock();
        LocalAllowances allowances = new LocalAllowances(1, Duration.ofSeconds(1), 1, 10, clock);
        assertTrue(allowances.take("k").admitted());
        clock.at(-10_000);
        assertFalse(allowances.take("k").admitted(), "an earlier time is not a refill");
        clock.at(999);
        assertFalse(allowances.take("k").admitted(), "and it does not move the refill point back");
        clock.at(1000);
        assertTrue(allowances.take("k").admitted());
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        LocalAllowances allowances = new LocalAllowances(1, Duration.ofSeconds(1), 1, 10, new ManualClock());
        assertTrue(allowances.take("a").admitted());
        assertFalse(allowances.take("a").admitted());
        assertTrue(allowances.take("b").admitted());
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
