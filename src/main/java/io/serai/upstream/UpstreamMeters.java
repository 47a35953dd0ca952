package io.serai.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.serai.camel.MeterGroups;
import io.serai.camel.MeterRegistries;
import io.serai.http.UpstreamException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The calls of one route to one backend as meters: {@code serai_upstream_requests_total{code}} by status
 * class, {@code serai_upstream_errors_total{kind}} for calls that failed, and the
 * {@code serai_upstream_duration_seconds} histogram (p50, p99 and buckets from 1 ms to 30 s).
 */
final class UpstreamMeters {

    private static final MeterGroups<String, UpstreamMeters> GROUPS = new MeterGroups<>(UpstreamMeters::new);

    private final MeterRegistry registry;
    private final Counter[] byClass = new Counter[6];
    private final Timer duration;
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final Tags tags;

    private UpstreamMeters(MeterRegistry registry, String key) {
        this.registry = registry;
        int split = key.indexOf('\n');
        tags = Tags.of("route", key.substring(0, split), "backend", key.substring(split + 1));
        for (int c = 1; c <= 5; c++) {
            byClass[c] = Counter.builder("serai.upstream.requests")
                    .description("Backend calls answered, by status class")
                    .tags(tags)
                    .tag("code", c + "xx")
                    .register(registry);
        }
        duration = Timer.builder("serai.upstream.duration")
                .description("Backend call time, per route and backend")
                .tags(tags)
                .serviceLevelObjectives(MeterRegistries.LATENCY_BUCKETS)
                .publishPercentiles(0.5, 0.99)
                .percentilePrecision(1)
                .register(registry);
    }

    static UpstreamMeters of(MeterRegistry registry, String route, String backend) {
        return GROUPS.of(registry, route + "\n" + backend);
    }

    /** A call that ended with {@code status}, or with a failure of {@code kind} when that is not null. */
    void done(int status, UpstreamException.Kind kind, long nanos) {
        if (kind != null) {
            String name = kind.label();
            errors.computeIfAbsent(
                            name,
                            k -> Counter.builder("serai.upstream.errors")
                                    .description("Backend calls that failed, by kind")
                                    .tags(tags)
                                    .tag("kind", k)
                                    .register(registry))
                    .increment();
        } else {
            byClass[status >= 100 && status < 600 ? status / 100 : 5].increment();
        }
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }
}
