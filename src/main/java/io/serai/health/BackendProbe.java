package io.serai.health;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A probe (a GET of one path, or a gRPC health check), repeated at an interval, never two at once: the next probe is scheduled when the
 * previous one has answered or failed. The {@link ProbeClient} sends it as the backend's traffic goes
 * (Serai's own client, its TLS); the health thread schedules it and reaches the verdict.
 */
final class BackendProbe {

    private final ProbeClient client;
    private final ScheduledExecutorService scheduler;
    private final Supplier<CompletionStage<ProbeAnswer>> request;
    private final Duration interval;
    private final BiConsumer<ProbeAnswer, Throwable> onResult;
    private volatile boolean running;
    private volatile ScheduledFuture<?> next;

    BackendProbe(
            ProbeClient client,
            ScheduledExecutorService scheduler,
            Supplier<CompletionStage<ProbeAnswer>> request,
            Duration interval,
            BiConsumer<ProbeAnswer, Throwable> onResult) {
        this.client = client;
        this.scheduler = scheduler;
        this.request = request;
        this.interval = interval;
        this.onResult = onResult;
    }

    ProbeClient client() {
        return client;
    }

    void start() {
        running = true;
        next = scheduler.schedule(this::probe, 0, TimeUnit.MILLISECONDS);
    }

    void stop() {
        running = false;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void probe() {
        if (!running) {
            return;
        }
        request.get()
                // the answer completes on an event loop: the verdict is reached on the health thread
                .whenCompleteAsync(
                        (answer, error) -> {
                            if (!running) {
                                return;
                            }
                            try {
                                onResult.accept(answer, error);
                            } finally {
                                if (running) {
                                    next = scheduler.schedule(this::probe, interval.toMillis(), TimeUnit.MILLISECONDS);
                                }
                            }
                        },
                        scheduler);
    }
}
