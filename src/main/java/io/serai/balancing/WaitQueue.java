package io.serai.balancing;

import io.serai.camel.ExchangeTimers;
import org.apache.camel.Exchange;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests waiting for capacity (a bulkhead's queue) without holding a thread: each waits until it is
 * woken or its time is up, whichever comes first, and at most {@code capacity} wait at once.
 */
public final class WaitQueue {

    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    public WaitQueue(int capacity) {
        this.capacity = capacity;
    }

    private static final class Waiter {
        final Runnable resume;
        final Runnable expire;
        final AtomicBoolean settled = new AtomicBoolean();

        Waiter(Runnable resume, Runnable expire) {
            this.resume = resume;
            this.expire = expire;
        }
    }

    /**
     * Queues {@code exchange}: {@code resume} runs when it is woken, {@code expire} after {@code waitMillis}
     * otherwise. False, and nothing runs, when the queue is full.
     */
    public boolean offer(Exchange exchange, Runnable resume, Runnable expire, long waitMillis) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        Waiter waiter = new Waiter(resume, expire);
        waiters.add(waiter);
        resumeLater(exchange, Math.max(1, waitMillis), () -> {
            if (waiter.settled.compareAndSet(false, true)) {
                waiters.remove(waiter);
                size.decrementAndGet();
                waiter.expire.run();
            }
        });
        return true;
    }

    /** Runs {@code task} for {@code exchange} after {@code delayMillis}: the one place this class sets a timer. */
    private static void resumeLater(Exchange exchange, long delayMillis, Runnable task) {
        ExchangeTimers.schedule(exchange, delayMillis, TimeUnit.MILLISECONDS, task);
    }

    /** Wakes the longest-waiting request; false when none waits. */
    public boolean wakeOne() {
        Waiter waiter;
        while ((waiter = waiters.poll()) != null) {
            if (waiter.settled.compareAndSet(false, true)) {
                size.decrementAndGet();
                waiter.resume.run();
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return size.get() == 0;
    }
}
