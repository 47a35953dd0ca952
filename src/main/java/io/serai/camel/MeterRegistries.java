package io.serai.camel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;

import java.time.Duration;

/**
 * Serai's Micrometer registry, found where camel-micrometer finds it (Camel's registry, under
 * {@code metricsRegistry}). A feature counts what it does into it directly, with meters of its own
 * names, so that no feature depends on the metrics package; the registry is absent only when Serai's
 * configuration did not run (a test that builds a route by hand), and then nothing is counted.
 */
public final class MeterRegistries {

    /** Latency buckets for p99 from 1 ms to 30 s, shared by Serai's histograms (Prometheus). */
    public static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private MeterRegistries() {}

    /**
     * Adds one to the counter {@code name} with {@code tags} (name, value, ...) in {@code context}'s
     * registry, for events that are not on every request's path (a refusal, a retry not made).
     */
    public static void count(CamelContext context, String name, String description, String... tags) {
        MeterRegistry registry = of(context);
        if (registry != null) {
            Counter.builder(name)
                    .description(description)
                    .tags(tags)
                    .register(registry)
                    .increment();
        }
    }

    public static MeterRegistry of(CamelContext context) {
        return context == null
                ? null
                : context.getRegistry()
                        .lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
    }
}
