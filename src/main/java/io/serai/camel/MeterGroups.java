package io.serai.camel;

import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The meters a feature keeps per key (a route, a route and backend), made once per registry and then
 * only looked up, so that the request path increments meters it already holds. A registry that is gone
 * (a stopped context) takes its groups with it.
 *
 * @param <K> what a group is kept by
 * @param <G> the group of meters
 */
public final class MeterGroups<K, G> {

    private final Map<MeterRegistry, Map<K, G>> byRegistry = new WeakHashMap<>();
    private final BiFunction<MeterRegistry, K, G> make;

    public MeterGroups(BiFunction<MeterRegistry, K, G> make) {
        this.make = make;
    }

    /** The group of {@code key} in {@code registry}, made on first use. */
    public G of(MeterRegistry registry, K key) {
        Map<K, G> groups;
        synchronized (byRegistry) {
            groups = byRegistry.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
        }
        return groups.computeIfAbsent(key, k -> make.apply(registry, k));
    }
}
