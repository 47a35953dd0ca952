package io.serai.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A GET of one URL, repeated at an interval, never two at once: the next probe is scheduled when the
 * previous one has answered or failed. Uses the JDK's HTTP client (non-blocking, verifies TLS), so
 * probes never compete with traffic for Serai's own connection pools or event loops.
 */
final class BackendProbe {

    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final URI uri;
    private final Duration interval;
    private final Duration timeout;
    private final BiConsumer<HttpResponse<String>, Throwable> onResult;
    private volatile boolean running;
    private volatile ScheduledFuture<?> next;

    BackendProbe(HttpClient client, ScheduledExecutorService scheduler, URI uri, Duration interval, Duration timeout,
            BiConsumer<HttpResponse<String>, Throwable> onResult) {
        this.client = client;
        this.scheduler = scheduler;
        this.uri = uri;
        this.interval = interval;
        this.timeout = timeout;
        this.onResult = onResult;
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

    URI uri() {
        return uri;
    }

    private void probe() {
        if (!running) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(timeout)
                .header("User-Agent", "serai-health-check").build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                // a timeout completes on the JDK's delay thread: the verdict is reached on the health thread
                .whenCompleteAsync((response, error) -> {
                    if (!running) {
                        return;
                    }
                    try {
                        onResult.accept(response, error);
                    } finally {
                        if (running) {
                            next = scheduler.schedule(this::probe, interval.toMillis(), TimeUnit.MILLISECONDS);
                        }
                    }
                }, scheduler);
    }
}
