package io.serai.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every circuit breaker Serai keeps, by route, step and member (bean {@code seraiCircuitBreakers}).
 * A route that is reloaded with the same breaker configuration gets its breakers back with their
 * state; a changed configuration starts them afresh.
 */
public final class BackendBreakers {

    public static final String BEAN_NAME = "seraiCircuitBreakers";

    private final ConcurrentHashMap<String, Entry> breakers = new ConcurrentHashMap<>();

    private record Entry(MemberBreaker breaker, String config) {
    }

    MemberBreaker breaker(String name, CircuitBreakerConfig config, String description) {
        String configText = describe(config);
        return breakers.compute(name, (k, old) -> old != null && old.config().equals(configText) ? old
                : new Entry(new MemberBreaker(CircuitBreaker.of(name, config), description), configText)).breaker();
    }

    /** Every breaker, for metrics and the admin API. */
    public Collection<MemberBreaker> all() {
        return List.copyOf(breakers.values().stream().map(Entry::breaker).toList());
    }

    private static String describe(CircuitBreakerConfig c) {
        return c.getFailureRateThreshold() + "/" + c.getSlowCallRateThreshold() + "/" + c.getSlowCallDurationThreshold()
                + "/" + c.getSlidingWindowSize() + "/" + c.getSlidingWindowType() + "/" + c.getMinimumNumberOfCalls()
                + "/" + c.getPermittedNumberOfCallsInHalfOpenState() + "/"
                + c.getWaitIntervalFunctionInOpenState().apply(1);
    }
}
