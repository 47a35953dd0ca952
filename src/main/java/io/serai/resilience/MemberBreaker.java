package io.serai.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.serai.balancing.MemberGate;
import io.serai.http.ResponseStatus;
import io.serai.http.UpstreamException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

/**
 * One backend's Resilience4j circuit breaker, as the gate in front of that member. What counts as a
 * failure is fixed and documented: a connection failure, no or a broken response, a time-out, or a
 * 5xx status; never a 4xx, and a call the client abandoned counts for nothing. Each state change is
 * logged once.
 */
public final class MemberBreaker implements MemberGate {

    private static final Logger LOG = LoggerFactory.getLogger(MemberBreaker.class);

    private final CircuitBreaker breaker;
    private final String description;
    private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();
    private final long waitMillis;
    private volatile long openedAt;

    MemberBreaker(CircuitBreaker breaker, String description) {
        this.breaker = breaker;
        this.description = description;
        this.waitMillis = breaker.getCircuitBreakerConfig()
                .getWaitIntervalFunctionInOpenState()
                .apply(1);
        breaker.getEventPublisher().onStateTransition(this::changed);
    }

    /** The Resilience4j breaker, for metrics and the admin API. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    public String description() {
        return description;
    }

    @Override
    public boolean isPassable() {
        CircuitBreaker.State state = breaker.getState();
        return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
    }

    @Override
    public boolean tryAcquire() {
        return breaker.tryAcquirePermission();
    }

    @Override
    public void completed(Exchange exchange, long elapsedNanos) {
        Exception failure = exchange.getException();
        if (failure instanceof UpstreamException upstream
                && (upstream.kind() == UpstreamException.Kind.ABANDONED
                        || upstream.kind() == UpstreamException.Kind.UNAVAILABLE)) {
            breaker.releasePermission();
        } else if (failure != null) {
            breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, failure);
        } else {
            int status = ResponseStatus.of(exchange.getMessage());
            if (status >= 500) {
                breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, new BackendStatusException(status));
            } else {
                breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public long retryAfterSeconds() {
        if (isPassable()) {
            return 0;
        }
        long left = waitMillis - (System.nanoTime() - openedAt) / 1_000_000;
        return Math.max(1, (left + 999) / 1000);
    }

    @Override
    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    @Override
    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }

    private void changed(CircuitBreakerOnStateTransitionEvent event) {
        CircuitBreaker.State to = event.getStateTransition().getToState();
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        switch (to) {
            case OPEN -> {
                openedAt = System.nanoTime();
                LOG.warn(
                        "circuit breaker for {} opened: {}% of the last {} calls failed and {}% were slow;"
                                + " no requests for {} ms",
                        description,
                        rate(metrics.getFailureRate()),
                        metrics.getNumberOfBufferedCalls(),
                        rate(metrics.getSlowCallRate()),
                        waitMillis);
            }
            case HALF_OPEN ->
                LOG.info(
                        "circuit breaker for {} half-open: probing with {} requests",
                        description,
                        breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState());
            case CLOSED -> LOG.info("circuit breaker for {} closed: the backend answers again", description);
            default -> LOG.info("circuit breaker for {} is now {}", description, to);
        }
        listeners.forEach(Runnable::run);
    }

    private static String rate(float percent) {
        return percent < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.0f", percent);
    }

    /** A backend's 5xx answer, as the failure its breaker records. */
    static final class BackendStatusException extends Exception {
        BackendStatusException(int status) {
            super("answered " + status, null, false, false);
        }
    }
}
