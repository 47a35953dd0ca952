package io.serai.metrics;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
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
import io.serai.caching.HttpCacheStore;
import io.serai.health.BackendHealthRegistry;
import io.serai.health.BackendStatus;
import io.serai.resilience.BackendBreakers;
import io.serai.resilience.MemberBreaker;
import io.serai.websocket.Tunnel;
import org.apache.camel.CamelContext;

import java.time.Duration;
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

    /** Latency buckets for p99 from 1 ms to 30 s (Prometheus histograms). */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

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
        return Counter.builder("serai.reloads").description("Route file reloads, by result")
                .tag("result", ok ? "ok" : "failed").register(registry);
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
        refreshGauges();
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
                    .description("Client requests being processed, per route").tag("route", route).register(registry);
            for (int c = 1; c <= 5; c++) {
                byClass[c] = Counter.builder("serai.requests").description("Client requests answered, by route and status class")
                        .tags("route", route, "code", c + "xx").register(registry);
            }
            duration = Timer.builder("serai.request.duration").description("Time from request to response, per route")
                    .tag("route", route).serviceLevelObjectives(BUCKETS).publishPercentiles(0.5, 0.99)
                    .percentilePrecision(1).register(registry);
            requestBytes = Counter.builder("serai.request.bytes").baseUnit("bytes")
                    .description("Request body bytes received").tag("route", route).register(registry);
            responseBytes = Counter.builder("serai.response.bytes").baseUnit("bytes")
                    .description("Response body bytes sent").tag("route", route).register(registry);
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

    // --- WebSocket tunnels, per route ------------------------------------------------------------

    /** One route's open tunnels and the bytes they move each way. */
    private final class WebSocketMeters implements Tunnel.Meters {
        final AtomicInteger open = new AtomicInteger();
        final Counter fromClient;
        final Counter toClient;

        WebSocketMeters(String route) {
            Gauge.builder("serai.websocket.connections", open, AtomicInteger::get)
                    .description("Open WebSocket connections (client and backend tunnelled), per route").tag("route", route)
                    .register(registry);
            fromClient = Counter.builder("serai.websocket.bytes").baseUnit("bytes")
                    .description("Bytes through WebSocket tunnels, by direction").tags("route", route, "direction", "from-client")
                    .register(registry);
            toClient = Counter.builder("serai.websocket.bytes").baseUnit("bytes")
                    .description("Bytes through WebSocket tunnels, by direction").tags("route", route, "direction", "to-client")
                    .register(registry);
        }

        @Override
        public void opened() {
            open.incrementAndGet();
        }

        @Override
        public void moved(boolean fromClient, int bytes) {
            (fromClient ? this.fromClient : toClient).increment(bytes);
        }

        @Override
        public void closed() {
            open.decrementAndGet();
        }
    }

    private final ConcurrentHashMap<String, WebSocketMeters> webSockets = new ConcurrentHashMap<>();

    /** What a tunnel of {@code route} reports to: serai_websocket_connections and serai_websocket_bytes_total. */
    public Tunnel.Meters webSocket(String route) {
        return webSockets.computeIfAbsent(route, WebSocketMeters::new);
    }

    // --- calls to backends, per route and backend ----------------------------------------------

    private final class UpstreamMeters {
        final Counter[] byClass = new Counter[6];
        final Timer duration;
        final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
        final Tags tags;

        UpstreamMeters(String route, String backend) {
            tags = Tags.of("route", route, "backend", backend);
            for (int c = 1; c <= 5; c++) {
                byClass[c] = Counter.builder("serai.upstream.requests").description("Backend calls answered, by status class")
                        .tags(tags).tag("code", c + "xx").register(registry);
            }
            duration = Timer.builder("serai.upstream.duration").description("Backend call time, per route and backend")
                    .tags(tags).serviceLevelObjectives(BUCKETS).publishPercentiles(0.5, 0.99).percentilePrecision(1)
                    .register(registry);
        }
    }

    private final ConcurrentHashMap<String, UpstreamMeters> upstreams = new ConcurrentHashMap<>();

    private UpstreamMeters upstream(String route, String backend) {
        return upstreams.computeIfAbsent(route + "\n" + backend, k -> new UpstreamMeters(route, backend));
    }

    /** A backend call that ended with {@code status}, or with {@code failure} (a kind, lower case) when it failed. */
    public void upstreamDone(String route, String backend, int status, String failure, long nanos) {
        UpstreamMeters m = upstream(route, backend);
        if (failure != null) {
            m.errors.computeIfAbsent(failure, kind -> Counter.builder("serai.upstream.errors")
                    .description("Backend calls that failed, by kind").tags(m.tags).tag("kind", kind)
                    .register(registry)).increment();
        } else {
            m.byClass[status >= 100 && status < 600 ? status / 100 : 5].increment();
        }
        m.duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public Timer upstreamTimer(String route, String backend) {
        return upstream(route, backend).duration;
    }

    // --- state read when scraped ----------------------------------------------------------------

    /** Backend health as gauges: {@code serai_backend_up} 1 or 0 per backend, registered as backends appear. */
    public void watch(BackendHealthRegistry backends) {
        this.backends = backends;
    }

    /** Circuit breakers as gauges: {@code serai_circuit_breaker_state} 1 for each breaker's current state. */
    public void watch(BackendBreakers breakers) {
        this.breakers = breakers;
    }

    /** Access log lines dropped because the writer could not keep up. */
    public void watch(AccessLog accessLog) {
        io.micrometer.core.instrument.FunctionCounter.builder("serai.access.log.dropped", accessLog, AccessLog::dropped)
                .description("Access log lines dropped because the writer could not keep up").register(registry);
    }

    /** The HTTP cache: Caffeine's own statistics (hits, misses, evictions, size) and its bytes. */
    public void watch(HttpCacheStore cache) {
        cache.bindMeters(registry);
    }

    private volatile BackendHealthRegistry backends;
    private volatile BackendBreakers breakers;
    private final java.util.Set<String> gauged = ConcurrentHashMap.newKeySet();

    /** Registers gauges for backends and breakers that appeared since the last scrape. */
    private void refreshGauges() {
        BackendHealthRegistry b = backends;
        if (b != null) {
            for (BackendStatus status : b.statuses()) {
                String name = status.backend();
                if (gauged.add("backend " + name)) {
                    Gauge.builder("serai.backend.up", b, r -> r.of(name).isAvailable() ? 1 : 0)
                            .description("1 while load balancers may choose the backend").tag("backend", name)
                            .register(registry);
                }
            }
        }
        BackendBreakers cb = breakers;
        if (cb != null) {
            for (MemberBreaker breaker : cb.all()) {
                String name = breaker.breaker().getName();
                if (gauged.add("breaker " + name)) {
                    for (CircuitBreaker.State state : new CircuitBreaker.State[] {CircuitBreaker.State.CLOSED,
                        CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN}) {
                        Gauge.builder("serai.circuit.breaker.state", breaker,
                                        x -> x.breaker().getState() == state ? 1 : 0)
                                .description("1 for the state each circuit breaker is in")
                                .tags("breaker", name, "state", state.name().toLowerCase(java.util.Locale.ROOT))
                                .register(registry);
                    }
                }
            }
        }
    }

    // --- the rest --------------------------------------------------------------------------------

    public void cacheResult(String route, String result) {
        Counter.builder("serai.cache.requests").description("Requests through the HTTP cache, by what it did")
                .tags("route", route, "result", result).register(registry).increment();
    }

    public void rateLimited(String route) {
        Counter.builder("serai.rate.limited").description("Requests refused with 429 by a rate limit")
                .tag("route", route).register(registry).increment();
    }

    public void accessRefused(String route, String check, int status) {
        Counter.builder("serai.access.refused").description("Requests refused by an access check, by check and status")
                .tags("route", route, "check", check, "status", String.valueOf(status)).register(registry).increment();
    }

    /** A retry that was due but not made, and why ({@code request-body}: the body was not kept). */
    public void retrySkipped(String route, String reason) {
        Counter.builder("serai.retries.skipped").description("Retries due but not made, by reason")
                .tags("route", route, "reason", reason).register(registry).increment();
    }

    /** A streamed body that ended short, by kind ({@code backend-reset}, {@code read-idle}, {@code client-gone} ...). */
    public void streamFailed(String route, String kind) {
        Counter.builder("serai.stream.failures").description("Streamed bodies that ended short, by kind")
                .tags("route", route, "kind", kind).register(registry).increment();
    }

    public void partialAggregate(String route) {
        Counter.builder("serai.aggregate.partial").description("Aggregated answers missing at least one call")
                .tag("route", route).register(registry).increment();
    }

    public void reload(boolean ok) {
        reloadCounter(ok).increment();
    }
}
