package io.serai.balancing;

import io.serai.health.BackendHealth;
import io.serai.health.MemberOptions;
import org.apache.camel.AsyncProcessor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One output of one load balancer: the processor that sends to it, the backend's shared health, and
 * this balancer's own count of requests in flight to it. Immutable but for the count, the latency
 * estimate, the gate and the start of its slow start, which only the {@link MemberSet} that owns the
 * member and its balancer change.
 */
public final class Member {

    /** Where a slow start begins, as Envoy's default {@code min_weight_percent}: enough to show it answers. */
    static final double SLOW_START_FIRST_SHARE = 0.1;

    private final int index;
    private final String name;
    private final AsyncProcessor processor;
    private final BackendHealth health;
    private final MemberOptions options;
    private final double weight;
    private final long hashSeed;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final PeakEwma latency;
    private final long slowStartNanos;
    private volatile MemberGate gate;
    private volatile long rampStartNanos;
    private boolean inSnapshot;

    Member(
            int index,
            String name,
            AsyncProcessor processor,
            BackendHealth health,
            MemberOptions options,
            double weight,
            PeakEwma latency) {
        this.index = index;
        this.name = name;
        this.processor = processor;
        this.health = health;
        this.options = options;
        this.weight = weight;
        this.hashSeed = HashKeys.hash64(name);
        this.latency = latency;
        this.slowStartNanos = options.slowStart().toNanos();
    }

    /** The member's number in its balancer, in route order when it was made; unique among its members. */
    public int index() {
        return index;
    }

    /** The backend's origin ({@code http://127.0.0.1:9001}), or the output's description. */
    public String name() {
        return name;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public double weight() {
        return weight;
    }

    /**
     * Its weight at {@code nowNanos}: during its slow start a share of {@link #weight()} that grows
     * linearly from {@link #SLOW_START_FIRST_SHARE} to all of it, else the weight itself.
     */
    double weightAt(long nowNanos) {
        long elapsed = nowNanos - rampStartNanos;
        if (slowStartNanos == 0 || elapsed >= slowStartNanos) {
            return weight;
        }
        return weight * Math.max(SLOW_START_FIRST_SHARE, (double) elapsed / slowStartNanos);
    }

    /** The member joined or came back at {@code nanos}: its slow start, if it has one, runs from there. */
    void rampFrom(long nanos) {
        rampStartNanos = nanos;
    }

    /** Whether it is in its slow start at {@code nowNanos}. */
    boolean ramping(long nowNanos) {
        return slowStartNanos > 0 && nowNanos - rampStartNanos < slowStartNanos;
    }

    long slowStartNanos() {
        return slowStartNanos;
    }

    long rampStartNanos() {
        return rampStartNanos;
    }

    /** Whether the last snapshot of its {@link MemberSet} had it; only the set reads and writes it. */
    boolean inSnapshot() {
        return inSnapshot;
    }

    void inSnapshot(boolean in) {
        inSnapshot = in;
    }

    /** Whether passive ejection has taken its backend out. */
    boolean isEjected() {
        return health != null && health.isEjected();
    }

    /** Whether it would be available if its backend were not ejected: its checks pass, its gate lets through. */
    boolean availableButForEjection() {
        MemberGate g = gate;
        return (health == null || health.isActiveUp()) && (g == null || g.isPassable());
    }

    /** Null when the output is not a netty-http backend (its health is then not tracked). */
    public BackendHealth health() {
        return health;
    }

    /** Whether load balancers may choose the member now: healthy and not cut off by its gate. */
    public boolean isAvailable() {
        MemberGate g = gate;
        return (health == null || health.isAvailable()) && (g == null || g.isPassable());
    }

    /** The member's gate (a circuit breaker), or null. */
    public MemberGate gate() {
        return gate;
    }

    void gate(MemberGate next) {
        this.gate = next;
    }

    AsyncProcessor processor() {
        return processor;
    }

    MemberOptions options() {
        return options;
    }

    long hashSeed() {
        return hashSeed;
    }

    PeakEwma latency() {
        return latency;
    }

    void started() {
        inFlight.incrementAndGet();
    }

    /** Counts one more request in flight if fewer than {@code limit} are; false when it is full. */
    boolean reserve(int limit) {
        int n;
        do {
            n = inFlight.get();
            if (n >= limit) {
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        return true;
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return name;
    }
}
