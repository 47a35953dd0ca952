package io.serai.balancing;

import io.serai.health.BackendHealth;
import io.serai.health.MemberOptions;
import org.apache.camel.AsyncProcessor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One output of one load balancer: the processor that sends to it, the backend's shared health, and
 * this balancer's own count of requests in flight to it. Immutable but for the count, the latency
 * estimate and the gate, which only the {@link MemberSet} that owns the member and its balancer change.
 */
public final class Member {

    private final int index;
    private final String name;
    private final AsyncProcessor processor;
    private final BackendHealth health;
    private final MemberOptions options;
    private final double weight;
    private final long hashSeed;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final PeakEwma latency;
    private volatile MemberGate gate;

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
