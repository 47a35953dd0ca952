package io.serai.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.serai.camel.MeterRegistries;
import org.apache.camel.CamelContext;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serai's meters, in one Micrometer registry that Prometheus scrapes from the admin listener. Bound
 * in Camel's registry as camel-micrometer's {@code metricsRegistry}, so routes can add their own with
 * {@code micrometer:} endpoints. Labels are route ids, backend origins, status classes and outcome
 * names: all bounded by the configuration, never by requests (a path is never a label).
 */
public final class SeraiMeters {

    public static final String BEAN_NAME = "seraiMeters";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public SeraiMeters() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        new NettyAllocatorMetrics(UnpooledByteBufAllocator.DEFAULT).bindTo(registry);
        // Present from the start, so that rate() and increase() work from the first reload.
        reloadCounter(true);
        reloadCounter(false);
    }

    private Counter reloadCounter(boolean ok) {
        return Counter.builder("serai.reloads")
                .description("Route file reloads, by result")
                .tag("result", ok ? "ok" : "failed")
                .register(registry);
    }

    /** The meters bound in {@code context}, or null when Serai's configuration did not run. */
    public static SeraiMeters of(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(BEAN_NAME, SeraiMeters.class);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    // --- client requests, per route ------------------------------------------------------------

    /** The meters of one route, looked up once: the request path only increments. */
    private final class RouteMeters {
        final AtomicInteger inFlight = new AtomicInteger();
        final Counter[] byClass = new Counter[6];
        final Timer duration;
        final Counter requestBytes;
        final Counter responseBytes;

        RouteMeters(String route) {
            Gauge.builder("serai.requests.in.flight", inFlight, AtomicInteger::get)
                    .description("Client requests being processed, per route")
                    .tag("route", route)
                    .register(registry);
            for (int c = 1; c <= 5; c++) {
                byClass[c] = Counter.builder("serai.requests")
                        .description("Client requests answered, by route and status class")
                        .tags("route", route, "code", c + "xx")
                        .register(registry);
            }
            duration = Timer.builder("serai.request.duration")
                    .description("Time from request to response, per route")
                    .tag("route", route)
                    .serviceLevelObjectives(MeterRegistries.LATENCY_BUCKETS)
                    .publishPercentiles(0.5, 0.99)
                    .percentilePrecision(1)
                    .register(registry);
            requestBytes = Counter.builder("serai.request.bytes")
                    .baseUnit("bytes")
                    .description("Request body bytes received")
                    .tag("route", route)
                    .register(registry);
            responseBytes = Counter.builder("serai.response.bytes")
                    .baseUnit("bytes")
                    .description("Response body bytes sent")
                    .tag("route", route)
                    .register(registry);
        }
    }

    private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();

    private RouteMeters route(String route) {
        return routes.computeIfAbsent(route, RouteMeters::new);
    }

    public void requestStarted(String route) {
        route(route).inFlight.incrementAndGet();
    }

    public void requestDone(String route, int status, long nanos, long requestBytes, long responseBytes) {
        RouteMeters m = route(route);
        m.inFlight.decrementAndGet();
        m.byClass[status >= 100 && status < 600 ? status / 100 : 5].increment();
        m.duration.record(nanos, TimeUnit.NANOSECONDS);
        m.requestBytes.increment(requestBytes);
        m.responseBytes.increment(responseBytes);
    }

    public Timer requestTimer(String route) {
        return route(route).duration;
    }

    public int inFlight(String route) {
        return route(route).inFlight.get();
    }

    /** Requests answered on {@code route} so far, by status class ({@code [1]} is 1xx ... {@code [5]} 5xx). */
    public long[] answered(String route) {
        RouteMeters m = route(route);
        long[] out = new long[6];
        for (int c = 1; c <= 5; c++) {
            out[c] = (long) m.byClass[c].count();
        }
        return out;
    }

    // --- the rest --------------------------------------------------------------------------------

    /** A streamed body that ended short, by kind ({@code backend-reset}, {@code read-idle}, {@code client-gone} ...). */
    public void streamFailed(String route, String kind) {
        Counter.builder("serai.stream.failures")
                .description("Streamed bodies that ended short, by kind")
                .tags("route", route, "kind", kind)
                .register(registry)
                .increment();
    }

    /**
     * {@code serai_grpc_responses_total{route,grpc_status}}: a gRPC request answered, by its grpc-status ("0" to
     * "16", or "none"). A counter of its own rather than a tag on {@code serai_requests_total}: the HTTP meters
     * keep their series (no "none" on every HTTP/1.1 request), and only routes that carry gRPC get these.
     */
    public void grpcAnswered(String route, String grpcStatus) {
        Counter.builder("serai.grpc.responses")
                .description("gRPC requests answered, by route and grpc-status")
                .tags("route", route, "grpc_status", grpcStatus)
                .register(registry)
                .increment();
    }

    public void partialAggregate(String route) {
        Counter.builder("serai.aggregate.partial")
                .description("Aggregated answers missing at least one call")
                .tag("route", route)
                .register(registry)
                .increment();
    }

    public void reload(boolean ok) {
        reloadCounter(ok).increment();
    }
}
