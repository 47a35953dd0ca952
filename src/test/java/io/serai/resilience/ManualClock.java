package io.serai.resilience;

import io.github.bucket4j.TimeMeter;

import java.util.concurrent.TimeUnit;

/** A clock that moves only when a test moves it, for Bucket4j buckets. */
final class ManualClock implements TimeMeter {

    static final long T0 = 1_000_000_000_000L;

    private volatile long nanos = T0;

    void at(long millisFromT0) {
        nanos = T0 + TimeUnit.MILLISECONDS.toNanos(millisFromT0);
    }

    @Override
    public long currentTimeNanos() {
        return nanos;
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}
