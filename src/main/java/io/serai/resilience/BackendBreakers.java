package io.serai.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every circuit breaker Serai keeps, by route, step and member (bean {@code seraiCircuitBreakers}).
 * A route that is reloaded with the same breaker configuration gets its breakers back with their
 * state; a changed configuration starts them afresh.
 */
public final class BackendBreakers implements MeterBinder {

    public static final String BEAN_NAME = "seraiCircuitBreakers";

    private final ConcurrentHashMap<String, Entry> breakers = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    private record Entry(MemberBreaker breaker, String config) {}

    MemberBreaker breaker(String name, CircuitBreakerConfig config, String description) {
        String configText = describe(config);
        boolean[] first = {false};
        MemberBreaker breaker = breakers.compute(name, (k, old) -> {
                    first[0] = old == null;
                    return old != null && old.config().equals(configText)
                            ? old
                            : new Entry(new MemberBreaker(CircuitBreaker.of(name, config), description), configText);
                })
                .breaker();
        MeterRegistry bound = registry;
        if (first[0] && bound != null) {
            gauge(bound, name);
        }
        return breaker;
    }

    /**
     * {@code serai_circuit_breaker_state{breaker,state}}: 1 for the state each breaker is in, registered as
     * breakers appear; a breaker replaced by a reload with another configuration is read by its name.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        breakers.keySet().forEach(name -> gauge(registry, name));
    }

    private void gauge(MeterRegistry registry, String name) {
        for (CircuitBreaker.State state : new CircuitBreaker.State[] {
            CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN
        }) {
            Gauge.builder("serai.circuit.breaker.state", this, b -> b.stateOf(name) == state ? 1 : 0)
                    .description("1 for the state each circuit breaker is in")
                    .tags("breaker", name, "state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    private CircuitBreaker.State stateOf(String name) {
        Entry entry = breakers.get(name);
        return entry == null ? null : entry.breaker().breaker().getState();
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
