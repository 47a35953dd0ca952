package io.serai.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;

/** Where a growing count comes to rest: bytes a blocked writer got out before its writes stopped. */
public final class Settled {

    private Settled() {}

    /** The value of {@code counter} once it has not changed for {@code quiet} (waits at most 30 s). */
    public static long value(LongSupplier counter, Duration quiet) {
        AtomicLong last = new AtomicLong(-1);
        AtomicLong since = new AtomicLong(System.nanoTime());
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long now = counter.getAsLong();
                    if (now != last.get()) {
                        last.set(now);
                        since.set(System.nanoTime());
                        return false;
                    }
                    return System.nanoTime() - since.get() >= quiet.toNanos();
                });
        return last.get();
    }
}
