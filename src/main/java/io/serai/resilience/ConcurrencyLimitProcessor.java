package io.serai.resilience;

import io.serai.balancing.WaitQueue;
import io.serai.camel.WrappedSteps;
import io.serai.http.UpstreamException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;

import java.util.concurrent.atomic.AtomicInteger;

/** Lets at most a set number of requests into the steps it wraps; the others wait (bounded) or get 503. */
final class ConcurrencyLimitProcessor extends WrappedSteps {

    private final String routeId;
    private final int maxConcurrent;
    private final long maxWaitMillis;
    private final WaitQueue waiting;
    private final AtomicInteger inside = new AtomicInteger();

    ConcurrencyLimitProcessor(
            AsyncProcessor next, String routeId, int maxConcurrent, int maxWaiting, long maxWaitMillis) {
        super(next);
        this.routeId = routeId;
        this.maxConcurrent = maxConcurrent;
        this.maxWaitMillis = maxWaitMillis;
        this.waiting = new WaitQueue(maxWaiting);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (tryEnter()) {
            return enter(exchange, callback);
        }
        Runnable resume = () -> enter(exchange, doneSync -> callback.done(false));
        boolean queued = maxWaitMillis > 0
                && waiting.offer(
                        exchange,
                        resume,
                        () -> {
                            exchange.setException(full());
                            callback.done(false);
                        },
                        maxWaitMillis);
        if (!queued) {
            exchange.setException(full());
            callback.done(true);
            return true;
        }
        // A request may have left between tryEnter and offer: hand its room to a waiter now.
        if (tryEnter() && !waiting.wakeOne()) {
            inside.decrementAndGet();
        }
        return false;
    }

    /** Runs the steps inside for a request that holds a place, and frees the place when it ends. */
    private boolean enter(Exchange exchange, AsyncCallback callback) {
        return next.process(exchange, doneSync -> {
            leave();
            callback.done(doneSync);
        });
    }

    private void leave() {
        inside.decrementAndGet();
        if (!waiting.isEmpty() && tryEnter() && !waiting.wakeOne()) {
            inside.decrementAndGet();
        }
    }

    private boolean tryEnter() {
        int n;
        do {
            n = inside.get();
            if (n >= maxConcurrent) {
                return false;
            }
        } while (!inside.compareAndSet(n, n + 1));
        return true;
    }

    private UpstreamException full() {
        return new UpstreamException(
                503,
                UpstreamException.Kind.UNAVAILABLE,
                "route " + routeId + " is at its concurrency limit of " + maxConcurrent + " requests",
                1,
                null);
    }
}
