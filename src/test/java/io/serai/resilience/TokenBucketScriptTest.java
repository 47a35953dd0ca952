package io.serai.resilience;

import io.serai.shared.RedisSettings;
import io.serai.shared.SharedRedis;
import io.serai.support.RedisServer;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both scopes share one algorithm: the same takes at the same times, through Bucket4j (local scope) and
 * through token-bucket.lua in a real redis-server (cluster scope), are admitted alike and leave the same
 * tokens; the waits they announce agree to the microsecond (the script counts in microseconds).
 */
@Timeout(30)
class TokenBucketScriptTest {

    /** Microseconds of a real Redis clock: the script must keep them exact when it stores them. */
    private static final long REDIS_T0 = 1_700_000_000_000_000L;

    private static final AtomicInteger ROWS = new AtomicInteger();

    @TempDir
    static Path dir;

    static RedisServer redis;
    static SharedRedis shared;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(dir);
        // The arithmetic is tested here, not the time-out: a busy CI machine may take more than 50 ms.
        shared = new SharedRedis(
                RedisSettings.from(Map.of(RedisSettings.URL, redis.url(), "serai.redis.timeout", "2s")::get));
        shared.start();
        Waits.upTo(Waits.PROMPTLY).until(shared::available);
    }

    @AfterAll
    static void stop() {
        if (shared != null) {
            shared.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest(name = "[{index}] {4}: {0} per {1} ms, burst {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # limit | period ms | burst | takes at ms                                     | what it shows
            1       | 1000      | 3     | 0 0 0 0 999 1000                                | a burst, then one a second
            2       | 1000      | 1     | 0 0 499 500 1000                                | 2/s refills every 500 ms
            1       | 1000      | 2     | 0 0 3600000 3600000 3600000                     | an idle hour saves up the burst only
            10      | 1000      | 5     | 0 0 0 0 0 0 100 150 200                         | refill is continuous
            1       | 2000      | 1     | 0 1999 2000                                     | below one per second
            3       | 1000      | 5     | 0 0 0 0 0 0 100 333 334 666 667 1000 1001 5000   | a rate with remainders carried
            7       | 10000     | 2     | 0 0 0 1428 1429 2857 2858 30000 30000 30000      | whole periods at once, then the rest
            100     | 60000     | 100   | 0 1 2 3 4 5 6 7 8 9 10 59999 60000 60001 120000 | many tokens, small steps
            5       | 1000      | 10    | 0 0 0 0 0 0 0 0 0 0 0 -500 1 199 200 201 400    | a clock step back refills nothing
            """)
    void aSequenceOfTakesGivesTheSameAnswersThroughBucket4jAndThroughTheScript(
            long limit, long periodMs, long burst, String times, String what) throws Exception {
        Duration period = Duration.ofMillis(periodMs);
        ManualClock clock = new ManualClock();
        LocalAllowances local = new LocalAllowances(limit, period, burst, 10, clock);
        ClusterAllowances cluster = new ClusterAllowances(shared, "table", limit, period, burst);
        String key = "row-" + ROWS.incrementAndGet();
        int step = 0;
        for (String ms : times.split(" ")) {
            long at = Long.parseLong(ms);
            clock.at(at);
            RateLimitTake expected = local.take(key);
            RateLimitTake actual = cluster.takeAt(key, REDIS_T0 + at * 1000).get(2, TimeUnit.SECONDS);
            String where = what + ", take " + step++ + " at " + ms + " ms";
            assertEquals(expected.admitted(), actual.admitted(), where);
            assertEquals(expected.remaining(), actual.remaining(), where);
            assertEquals(expected.nanosUntilNext(), actual.nanosUntilNext(), 1000, where);
            assertEquals(expected.nanosUntilFull(), actual.nanosUntilFull(), 1000, where);
        }
    }

    @Test
    void aBucketExpiresWhenItWouldBeFullAgain() throws Exception {
        ClusterAllowances cluster = new ClusterAllowances(shared, "ttl", 10, Duration.ofSeconds(1), 10);
        cluster.take("k").get(2, TimeUnit.SECONDS);
        long ttl = Long.parseLong(redis.command(
                        "PTTL serai:rl:ttl:" + new String(cluster.redisKey("k")).substring("serai:rl:ttl:".length()))
                .substring(1));
        assertTrue(ttl > 0 && ttl <= 100, "one token at 10/s is back in 100 ms: PTTL " + ttl);
    }

    @Test
    void aRedisThatLostItsScriptsIsGivenTheScriptAgain() throws Exception {
        ClusterAllowances cluster = new ClusterAllowances(shared, "flushed", 10, Duration.ofSeconds(1), 10);
        assertEquals(9, cluster.take("k").get(2, TimeUnit.SECONDS).remaining());
        assertEquals("+OK", redis.command("SCRIPT FLUSH"));
        assertEquals(8, cluster.take("k").get(2, TimeUnit.SECONDS).remaining());
    }
}
