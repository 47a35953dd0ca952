package io.serai.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.CamelContext;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The health of every backend Serai sends to, one {@link BackendHealth} per origin
 * ({@code http://host:port}), and the one thread that schedules their checks and ejection timers (the
 * checks themselves go out over Serai's own client, see {@link ProbeClient}).
 */
public final class BackendHealthRegistry implements AutoCloseable, MeterBinder {

    private final CamelContext context;
    private final PassiveHealthSettings passive;
    private final ConcurrentHashMap<String, BackendHealth> backends = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;
    private volatile MeterRegistry registry;

    /** Its thread comes from {@code context}'s ExecutorServiceManager, once the first check or timer needs it. */
    public BackendHealthRegistry(CamelContext context, PassiveHealthSettings passive) {
        this.context = context;
        this.passive = passive;
    }

    /** The health of the backend at {@code origin}, e.g. {@code http://127.0.0.1:9001}. */
    public BackendHealth of(String origin) {
        BackendHealth known = backends.get(origin);
        if (known != null) {
            return known;
        }
        boolean[] created = {false};
        BackendHealth health = backends.computeIfAbsent(origin, o -> {
            created[0] = true;
            return new BackendHealth(o, this, passive, context.isStarted());
        });
        MeterRegistry bound = registry;
        if (created[0] && bound != null) {
            gauge(bound, origin);
        }
        return health;
    }

    /**
     * {@code serai_backend_up{backend}}: 1 while its checks pass and it is not ejected, registered as
     * backends appear; {@code serai_backend_ejections_total{backend}} counts its passive ejections.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        backends.keySet().forEach(name -> gauge(registry, name));
    }

    private void gauge(MeterRegistry registry, String name) {
        Gauge.builder("serai.backend.up", this, r -> r.of(name).isAvailable() ? 1 : 0)
                .description("1 while the backend's health checks pass and passive ejection has not taken it out")
                .tag("backend", name)
                .register(registry);
        ejections(registry, name);
    }

    private static Counter ejections(MeterRegistry registry, String backend) {
        return Counter.builder("serai.backend.ejections")
                .description("Passive ejections of the backend (each load balancer keeps at most its cap out)")
                .tag("backend", backend)
                .register(registry);
    }

    void countEjection(String backend) {
        MeterRegistry bound = registry;
        if (bound != null) {
            ejections(bound, backend).increment();
        }
    }

    public List<BackendStatus> statuses() {
        return backends.values().stream()
                .map(BackendHealth::status)
                .sorted(Comparator.comparing(BackendStatus::backend))
                .toList();
    }

    BackendProbe newProbe(
            ProbeClient client,
            String path,
            Duration interval,
            Duration timeout,
            BiConsumer<ProbeAnswer, Throwable> onResult) {
        return new BackendProbe(client, scheduler(), () -> client.get(path, timeout), interval, onResult);
    }

    /** A probe that sends what {@code request} sends, by {@code client}. */
    BackendProbe newProbe(
            ProbeClient client,
            Supplier<CompletionStage<ProbeAnswer>> request,
            Duration interval,
            BiConsumer<ProbeAnswer, Throwable> onResult) {
        return new BackendProbe(client, scheduler(), request, interval, onResult);
    }

    ScheduledFuture<?> schedule(Runnable task, long millis) {
        return scheduler().schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    private ScheduledExecutorService scheduler() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            synchronized (this) {
                if (scheduler == null) {
                    scheduler =
                            context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "serai-health");
                }
                s = scheduler;
            }
        }
        return s;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            context.getExecutorServiceManager().shutdownNow(scheduler);
            // made again if the component starts again
            scheduler = null;
        }
    }
}
