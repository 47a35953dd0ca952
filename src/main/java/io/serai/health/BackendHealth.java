package io.serai.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The health of one backend, shared by every route and load balancer that sends to it: the verdict
 * of its active checks, its passive ejection, and its last load report. Each change of availability
 * is logged once and announced to the listeners (load balancers rebuild their snapshot of members).
 * Long because: checks, ejection and the probes that feed them are one backend's state under one lock;
 * the probes' sharing between routes (use, release, grace) is what a split would move out first.
 */
public final class BackendHealth {

    private static final Logger LOG = LoggerFactory.getLogger(BackendHealth.class);
    private static final long RELEASE_GRACE_MILLIS = 10_000;

    private final String backend;
    private final BackendHealthRegistry registry;
    private final PassiveHealthSettings passive;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final long createdNanos = System.nanoTime();
    private final boolean namedAfterStart;
    private volatile boolean activeUp = true;
    private volatile boolean ejected;
    private volatile long ejectedUntilNanos;
    private volatile long ejectedSinceNanos;
    private volatile String reason;
    private volatile LoadReport loadReport;
    private volatile int ejections;
    private ScheduledFuture<?> ejectionEnd;
    private BackendProbe healthProbe;
    private ActiveHealthCheck activeCheck;
    private int healthProbeUsers;
    private BackendProbe loadProbe;
    private int loadProbeUsers;

    BackendHealth(
            String backend, BackendHealthRegistry registry, PassiveHealthSettings passive, boolean namedAfterStart) {
        this.backend = backend;
        this.namedAfterStart = namedAfterStart;
        this.registry = registry;
        this.passive = passive;
    }

    public String backend() {
        return backend;
    }

    /** Whether a load balancer may choose this backend: its checks pass and it is not ejected. */
    public boolean isAvailable() {
        return activeUp && !ejected;
    }

    /** Whether passive ejection has taken it out now (its active checks may pass or not). */
    public boolean isEjected() {
        return ejected;
    }

    /** Whether its active checks pass (true when it has none). */
    public boolean isActiveUp() {
        return activeUp;
    }

    /** When its current ejection began ({@link System#nanoTime()}); meaningful while {@link #isEjected()}. */
    public long ejectedSinceNanos() {
        return ejectedSinceNanos;
    }

    /** When a route first named this backend ({@link System#nanoTime()}), for a member's slow start. */
    public long createdNanos() {
        return createdNanos;
    }

    /**
     * Whether the first route to name this backend came after Serai had started (a reload added it): a
     * backend named at start joins with the gateway, not into traffic, and has no slow start to make.
     */
    public boolean namedAfterStart() {
        return namedAfterStart;
    }

    /** The passive ejection settings, the same for every backend: a load balancer reads its cap here. */
    public PassiveHealthSettings passiveSettings() {
        return passive;
    }

    /** A response below 500 from the backend. Cheap on the hot path: no write when nothing failed. */
    public void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (ejected) {
            answeredWhileEjected();
        } else if (ejections != 0) {
            forgiveEjections();
        }
    }

    /**
     * It answered well while ejected (a load balancer beyond its ejection cap kept sending to it, or a
     * request was in flight): it is back at once, or that balancer would take a healthy member out when
     * an earlier ejection ends and frees room under its cap.
     */
    private void answeredWhileEjected() {
        synchronized (this) {
            if (!ejected) {
                return;
            }
            endEjection("it answered well while ejected");
        }
        changed();
    }

    /** A connection failure, time-out, broken response or 5xx from the backend. */
    public void recordFailure(String what) {
        int failures = consecutiveFailures.incrementAndGet();
        if (passive.enabled() && failures >= passive.consecutiveFailures() && !ejected) {
            eject(failures, what);
        }
    }

    public void reportLoad(LoadReport report) {
        loadReport = report;
    }

    /** The last load report if it is younger than {@code maxAge}, else null. */
    public LoadReport freshLoadReport(long nowNanos, long maxAgeNanos) {
        LoadReport report = loadReport;
        return report != null && nowNanos - report.receivedNanos() <= maxAgeNanos ? report : null;
    }

    /** Seconds until this backend may be back, for a {@code Retry-After}; at least 1. */
    public long retryAfterSeconds() {
        long seconds = 1;
        if (ejected) {
            seconds = Math.max(seconds, TimeUnit.NANOSECONDS.toSeconds(ejectedUntilNanos - System.nanoTime()) + 1);
        }
        ActiveHealthCheck check = activeCheck;
        if (!activeUp && check != null) {
            long millis =
                    check.settings().interval().toMillis() * check.settings().healthyThreshold();
            seconds = Math.max(seconds, (millis + 999) / 1000);
        }
        return seconds;
    }

    public BackendStatus status() {
        LoadReport report = loadReport;
        return new BackendStatus(
                backend,
                isAvailable(),
                activeUp,
                ejected,
                isAvailable() ? null : reason,
                report == null ? -1 : report.utilization());
    }

    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /**
     * Starts the active checks for one more user (one probe however many routes use this backend), sent
     * by {@code client}. The last user's release stops them only after {@link #RELEASE_GRACE_MILLIS}, so a
     * reloaded route takes over the running checks and the verdict they reached, instead of starting from
     * "up" again. Routes that reach the backend with different TLS options share the first one's probe.
     */
    public synchronized void useHealthCheck(HealthCheckSettings settings, ProbeClient client) {
        boolean first = healthProbeUsers++ == 0;
        if (first
                && healthProbe != null
                && (!activeCheck.settings().equals(settings)
                        || !healthProbe.client().equals(client))) {
            // A reload changed the checks or the backend's TLS: new probe, same verdict until it says otherwise.
            healthProbe.stop();
            healthProbe = null;
        }
        if (healthProbe == null) {
            activeCheck = new ActiveHealthCheck(this, settings);
            healthProbe = settings.grpc()
                    ? registry.newProbe(
                            client,
                            () -> GrpcHealthCheck.send(client, settings),
                            settings.interval(),
                            activeCheck::onResult)
                    : registry.newProbe(
                            client, settings.path(), settings.interval(), settings.timeout(), activeCheck::onResult);
            healthProbe.start();
        } else if (!activeCheck.settings().equals(settings)) {
            LOG.warn(
                    "backend {}: health checks already run with {}; ignoring {}",
                    backend,
                    activeCheck.settings(),
                    settings);
        }
    }

    public synchronized void releaseHealthCheck() {
        if (healthProbeUsers > 0 && --healthProbeUsers == 0) {
            registry.schedule(this::stopUnusedHealthCheck, RELEASE_GRACE_MILLIS);
        }
    }

    private void stopUnusedHealthCheck() {
        synchronized (this) {
            if (healthProbeUsers > 0 || healthProbe == null) {
                return;
            }
            healthProbe.stop();
            healthProbe = null;
            activeCheck = null;
            if (activeUp) {
                return;
            }
            activeUp = true;
            LOG.info("backend {}: no route checks it any more, counted as up", backend);
        }
        changed();
    }

    /** Starts polling the load URL for one more user, by {@code client}; released as the health checks are. */
    public synchronized void useLoadReports(LoadReportSettings settings, ProbeClient client) {
        if (loadProbeUsers++ == 0 && loadProbe == null) {
            LoadReportPoller poller = new LoadReportPoller(this);
            Duration interval = settings.interval();
            loadProbe = registry.newProbe(
                    client,
                    settings.path(),
                    interval,
                    interval.compareTo(Duration.ofSeconds(2)) < 0 ? interval : Duration.ofSeconds(2),
                    (response, error) -> {
                        LoadReport current = loadReport;
                        // A report that came with traffic since the last poll is fresher than a poll.
                        if (current == null || System.nanoTime() - current.receivedNanos() >= interval.toNanos() / 2) {
                            poller.onResult(response, error);
                        }
                    });
            loadProbe.start();
        }
    }

    public synchronized void releaseLoadReports() {
        if (loadProbeUsers > 0 && --loadProbeUsers == 0) {
            registry.schedule(this::stopUnusedLoadReports, RELEASE_GRACE_MILLIS);
        }
    }

    private synchronized void stopUnusedLoadReports() {
        if (loadProbeUsers == 0 && loadProbe != null) {
            loadProbe.stop();
            loadProbe = null;
        }
    }

    void activeCheckPassed(boolean thresholdReached, int passes) {
        boolean changed = false;
        synchronized (this) {
            if (!activeUp && thresholdReached) {
                activeUp = true;
                LOG.info("backend {}: UP (health check passed {} times in a row)", backend, passes);
                changed = true;
            }
            if (ejected) {
                // A passing active check ends a passive ejection early, as Envoy does by default.
                endEjection("its health check passed");
                changed = true;
            }
        }
        if (changed) {
            changed();
        }
    }

    void activeCheckFailed(boolean thresholdReached, int fails, String failure) {
        boolean changed = false;
        synchronized (this) {
            if (activeUp && thresholdReached) {
                activeUp = false;
                reason = "health check failed " + fails + " times in a row: " + failure;
                LOG.warn("backend {}: DOWN ({})", backend, reason);
                changed = true;
            }
        }
        if (changed) {
            changed();
        }
    }

    private void eject(int failures, String what) {
        synchronized (this) {
            if (ejected) {
                return;
            }
            ejections++;
            long millis = Math.min(
                    passive.ejectionTime().toMillis() * ejections,
                    passive.maxEjectionTime().toMillis());
            ejected = true;
            ejectedSinceNanos = System.nanoTime();
            ejectedUntilNanos = ejectedSinceNanos + TimeUnit.MILLISECONDS.toNanos(millis);
            reason = "ejected for " + millis + " ms after " + failures + " failures in a row, the last: " + what;
            LOG.warn("backend {}: {}", backend, reason);
            registry.countEjection(backend);
            ejectionEnd = registry.schedule(this::ejectionOver, millis);
        }
        changed();
    }

    private void ejectionOver() {
        synchronized (this) {
            if (!ejected) {
                return;
            }
            endEjection("its ejection time is over");
        }
        changed();
    }

    private void endEjection(String why) {
        ejected = false;
        consecutiveFailures.set(0);
        if (ejectionEnd != null) {
            ejectionEnd.cancel(false);
            ejectionEnd = null;
        }
        LOG.info("backend {}: back in service ({})", backend, why);
    }

    /** After a success the next ejection is short again. */
    private void forgiveEjections() {
        synchronized (this) {
            if (!ejected) {
                ejections = 0;
            }
        }
    }

    private void changed() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }
}
