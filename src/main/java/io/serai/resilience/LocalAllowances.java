package io.serai.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;

/**
 * One Bucket4j token bucket per key, in this process: {@code burst} tokens at most, refilled greedily
 * (continuously) at {@code limit} per {@code period}. At most {@code maxKeys} buckets are kept (least
 * recently used dropped first), and one untouched long enough to be full again is dropped, since a new
 * one starts full: memory stays bounded however many clients there are.
 */
final class LocalAllowances {

    private final long limit;
    private final Duration period;
    private final long burst;
    private final TimeMeter clock;
    private final Cache<String, Bucket> buckets;

    LocalAllowances(long limit, Duration period, long burst, long maxKeys, TimeMeter clock) {
        this.limit = limit;
        this.period = period;
        this.burst = burst;
        this.clock = clock;
        long untilFull = period.toNanos() / limit * burst;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofNanos(Math.max(untilFull, 1_000_000)))
                .build();
    }

    /** Takes one token from {@code key}'s bucket when it has one. */
    RateLimitTake take(String key) {
        ConsumptionProbe probe = buckets.get(key, ignored -> newBucket()).tryConsumeAndReturnRemaining(1);
        return new RateLimitTake(
                probe.isConsumed(),
                probe.getRemainingTokens(),
                probe.getNanosToWaitForRefill(),
                probe.getNanosToWaitForReset(),
                burst);
    }

    long capacity() {
        return burst;
    }

    /** Buckets kept now (for tests of the bound). */
    long trackedKeys() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(burst)
                        .refillGreedy(limit, period)
                        .build())
                .withCustomTimePrecision(clock)
                .build();
    }
}
