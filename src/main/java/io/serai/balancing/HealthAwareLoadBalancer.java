package io.serai.balancing;

import io.serai.camel.ProcessorGraph;
import io.serai.health.MemberEndpoint;

import io.serai.health.BackendHealth;
import io.serai.health.MemberOptions;
import io.serai.http.UpstreamException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What every Serai load-balancing policy shares: the members of one {@code loadBalance} step, an
 * immutable snapshot of those that are available (replaced whenever a backend's health changes, never
 * changed under a policy), the in-flight count per member, and a 503 at once when no member is
 * available. A policy only says which available member takes the next request.
 */
public abstract class HealthAwareLoadBalancer extends LoadBalancerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HealthAwareLoadBalancer.class);
    private static final Member[] NONE = new Member[0];

    /**
     * Exchange property: a set of the members a request already went to. When a retry sets it, each
     * try goes to a member not yet tried while there is one, and is added to it.
     */
    public static final String TRIED_MEMBERS = "seraiTriedMembers";

    private final Runnable onHealthChange = this::refresh;
    private String weights;
    private volatile Member[] members = NONE;
    private volatile Member[] available = NONE;
    private boolean allDown;
    /** Requests waiting for a member under its {@code maxConcurrent}; null when no member has a limit. */
    private volatile WaitQueue waiting;
    private long maxWaitMillis;

    /** A new balancer with this one's settings and none of its state, for one more {@code loadBalance} step. */
    public abstract HealthAwareLoadBalancer copy();

    /** Picks the member for this exchange among {@code available} (never empty). */
    protected abstract Member choose(Member[] available, Exchange exchange);

    /** Called with each new snapshot, for policies that precompute something from it. */
    protected void availableChanged(Member[] available) {
    }

    /** Called when a member's call completed (successfully or not) at {@code endNanos}, {@code elapsedNanos} after it began. */
    protected void finished(Member member, long elapsedNanos, long endNanos, Exchange exchange) {
    }

    /** The latency estimate a policy keeps per member, or null when it keeps none. */
    protected PeakEwma newLatencyEstimate() {
        return null;
    }

    /** Member weights in route order, e.g. {@code 4,2,1}; one per output, every member 1 when unset. */
    public void setWeights(String weights) {
        this.weights = weights;
    }

    public String getWeights() {
        return weights;
    }

    /** The current snapshot of available members; never changed, only replaced. */
    protected final Member[] availableMembers() {
        return available;
    }

    /** Every member, available or not, in route order. */
    public List<Member> members() {
        return List.of(members);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        return process(exchange, callback, System.nanoTime() + maxWaitMillis * 1_000_000);
    }

    private boolean process(Exchange exchange, AsyncCallback callback, long deadline) {
        Member[] candidates = available;
        if (candidates.length == 0) {
            exchange.setException(unavailable());
            callback.done(true);
            return true;
        }
        @SuppressWarnings("unchecked")
        java.util.Set<Member> tried = exchange.getProperty(TRIED_MEMBERS, java.util.Set.class);
        if (tried != null && !tried.isEmpty()) {
            Member[] untried = Arrays.stream(candidates).filter(m -> !tried.contains(m)).toArray(Member[]::new);
            if (untried.length > 0) {
                candidates = untried;
            }
        }
        Member chosen = choose(candidates, exchange);
        if (!admits(chosen)) {
            chosen = another(candidates, chosen);
            if (chosen == null) {
                return waitForRoom(exchange, callback, deadline);
            }
        }
        if (tried != null) {
            tried.add(chosen);
        }
        return dispatch(chosen, exchange, callback);
    }

    /**
     * Every available member is at its {@code maxConcurrent} (or refused by its breaker): the request
     * waits for a call to end, until {@code deadline}, then gets 503.
     */
    private boolean waitForRoom(Exchange exchange, AsyncCallback callback, long deadline) {
        WaitQueue queue = waiting;
        long left = (deadline - System.nanoTime()) / 1_000_000;
        Runnable giveUp = () -> {
            exchange.setException(atCapacity());
            callback.done(false);
        };
        if (queue == null || left <= 0 || !queue.offer(() -> process(exchange, doneSync -> callback.done(false),
                deadline), giveUp, left)) {
            exchange.setException(queue == null ? unavailable() : atCapacity());
            callback.done(true);
            return true;
        }
        return false;
    }

    private UpstreamException atCapacity() {
        return new UpstreamException(503, UpstreamException.Kind.UNAVAILABLE, "no backend available: every member is"
                + " at its concurrency limit (maxConcurrent) and none had room within maxWait", 1, null);
    }

    /** A member other than {@code refused} that {@link #admits} this request, or null. */
    private static Member another(Member[] candidates, Member refused) {
        for (Member m : candidates) {
            if (m != refused && admits(m)) {
                return m;
            }
        }
        return null;
    }

    /**
     * True when {@code member}'s gate (if any) lets this request through; it is then counted there,
     * and the request must go to it with {@link #dispatch}.
     */
    protected static boolean admits(Member member) {
        int limit = member.options().maxConcurrent();
        if (limit > 0 && !member.reserve(limit)) {
            return false;
        }
        if (member.gate() == null || member.gate().tryAcquire()) {
            return true;
        }
        if (limit > 0) {
            member.finished();
        }
        return false;
    }

    /**
     * Puts a gate (a circuit breaker) in front of each member: {@code gateOf} gives it, or null for
     * none. A gate that closes takes its member out of the snapshot; one that opens brings it back.
     */
    public synchronized void useGates(Function<Member, MemberGate> gateOf) {
        for (Member m : members) {
            MemberGate old = m.gate();
            if (old != null) {
                old.removeListener(onHealthChange);
            }
            MemberGate next = gateOf.apply(m);
            m.gate(next);
            if (next != null) {
                next.addListener(onHealthChange);
            }
        }
        refresh();
    }

    /**
     * Sends the exchange to {@code member}, which {@link #admits} it, counting it in flight until
     * {@code callback} is due.
     */
    protected final boolean dispatch(Member member, Exchange exchange, AsyncCallback callback) {
        if (member.options().maxConcurrent() == 0) {
            member.started(); // a limited member was counted when admits() reserved its place
        }
        long start = System.nanoTime();
        AsyncCallback counted = doneSync -> {
            member.finished();
            long end = System.nanoTime();
            if (member.gate() != null) {
                member.gate().completed(exchange, end - start);
            }
            finished(member, end - start, end, exchange);
            callback.done(doneSync);
            WaitQueue queue = waiting;
            if (queue != null && !queue.isEmpty()) {
                queue.wakeOne();
            }
        };
        try {
            return member.processor().process(exchange, counted);
        } catch (RuntimeException e) {
            exchange.setException(e);
            counted.done(true);
            return true;
        }
    }

    /** The failure for a request that no member can take: 503, with the soonest a member may be back. */
    protected final UpstreamException unavailable() {
        Member[] all = members;
        long retryAfter = Long.MAX_VALUE;
        boolean gated = false;
        for (Member m : all) {
            gated |= m.gate() != null;
            long health = m.health() != null ? m.health().retryAfterSeconds() : 0;
            long gate = m.gate() != null ? m.gate().retryAfterSeconds() : 0;
            retryAfter = Math.min(retryAfter, Math.max(health, gate));
        }
        return new UpstreamException(503, UpstreamException.Kind.UNAVAILABLE,
                "no backend available: all " + all.length + " members are down or ejected"
                        + (gated ? " or cut off by their circuit breaker" : ""),
                retryAfter == Long.MAX_VALUE || retryAfter < 1 ? 1 : retryAfter, null);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        List<AsyncProcessor> outputs = getProcessors();
        double[] w = parseWeights(outputs.size());
        List<Member> built = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            AsyncProcessor output = outputs.get(i);
            MemberEndpoint endpoint = ProcessorGraph.endpointOf(output, MemberEndpoint.class);
            BackendHealth health = endpoint == null ? null : endpoint.backendHealth();
            MemberOptions options = endpoint == null ? MemberOptions.NONE : endpoint.memberOptions();
            String name = health != null ? health.backend() : output.toString();
            built.add(new Member(i, name, output, health, options, w[i], newLatencyEstimate()));
        }
        members = built.toArray(NONE);
        long wait = 0;
        boolean limited = false;
        for (Member m : members) {
            limited |= m.options().maxConcurrent() > 0;
            wait = Math.max(wait, m.options().maxWait().toMillis());
        }
        maxWaitMillis = limited ? wait : 0;
        waiting = limited ? new WaitQueue(10_000) : null;
        for (Member m : members) {
            if (m.health() != null) {
                m.health().addListener(onHealthChange);
                if (m.options().healthCheck() != null) {
                    m.health().useHealthCheck(m.options().healthCheck());
                }
                if (m.options().loadReport() != null) {
                    m.health().useLoadReports(m.options().loadReport());
                }
            }
        }
        refresh();
    }

    @Override
    protected void doStop() throws Exception {
        for (Member m : members) {
            if (m.gate() != null) {
                m.gate().removeListener(onHealthChange);
            }
            if (m.health() != null) {
                m.health().removeListener(onHealthChange);
                if (m.options().healthCheck() != null) {
                    m.health().releaseHealthCheck();
                }
                if (m.options().loadReport() != null) {
                    m.health().releaseLoadReports();
                }
            }
        }
        members = NONE;
        available = NONE;
        super.doStop();
    }

    /** Rebuilds the snapshot of available members; runs whenever a member's backend changes state. */
    private synchronized void refresh() {
        Member[] next = Arrays.stream(members).filter(Member::isAvailable).toArray(Member[]::new);
        availableChanged(next);
        available = next;
        boolean none = next.length == 0 && members.length > 0;
        if (none && !allDown) {
            LOG.warn("route {}: every member of its load balancer is down; answering 503", getRouteId());
        } else if (!none && allDown) {
            LOG.info("route {}: {} of {} members available again", getRouteId(), next.length, members.length);
        }
        allDown = none;
    }

    private double[] parseWeights(int outputs) {
        double[] w = new double[outputs];
        Arrays.fill(w, 1.0);
        if (weights == null || weights.isBlank()) {
            return w;
        }
        String[] parts = weights.split(",");
        if (parts.length != outputs) {
            throw new IllegalArgumentException("load balancer weights \"" + weights + "\" have " + parts.length
                    + " values but the load balancer has " + outputs + " members: give one weight per member");
        }
        for (int i = 0; i < parts.length; i++) {
            try {
                w[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                w[i] = -1;
            }
            if (!(w[i] > 0) || Double.isInfinite(w[i])) {
                throw new IllegalArgumentException("load balancer weights \"" + weights + "\": \"" + parts[i].trim()
                        + "\" is not a positive number");
            }
        }
        return w;
    }

    /** Copies the settings every policy has onto {@code copy}. */
    protected final <T extends HealthAwareLoadBalancer> T withCommonSettings(T copy) {
        copy.setWeights(weights);
        return copy;
    }
}
