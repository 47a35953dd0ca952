package io.serai.balancing;

import io.serai.camel.ProcessorGraph;
import io.serai.health.AddressMember;
import io.serai.health.BackendHealth;
import io.serai.health.MemberEndpoint;
import io.serai.health.MemberOptions;
import io.serai.health.ProbeClient;
import io.serai.http.UpstreamException;
import org.apache.camel.AsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The members of one load balancer and what is known of them: each backend's health and ejection, the
 * gate (circuit breaker) in front of it, and the requests in flight to it. Publishes the available
 * ones as an immutable {@link MemberSnapshot}, rebuilt when a backend's health or a gate changes and
 * never per request, as Armeria's endpoint group does for its selection strategies. An output whose
 * endpoint has {@code resolve=all} is a member per address of its name; when they change, that output's
 * members are replaced as a whole (a known address keeps its member, its counts and its gate). Ejection
 * is kept per backend, but this set keeps at most its cap of members out by it (see {@link #refresh()}),
 * and starts a member's slow start when it enters the snapshot.
 */
final class MemberSet {

    private static final Logger LOG = LoggerFactory.getLogger(MemberSet.class);
    private static final Member[] NONE = new Member[0];

    private final Runnable onChange = this::refresh;
    private String routeId;
    private volatile Member[] members = NONE;
    private volatile MemberSnapshot available = MemberSnapshot.EMPTY;
    private Function<Member, MemberGate> gateOf = member -> null;
    private boolean allDown;
    private Member[][] byOutput = new Member[0][];
    private MemberEndpoint[] endpoints = new MemberEndpoint[0];
    private final Map<Member, Supplier<ProbeClient>> probesOf = new IdentityHashMap<>();
    private final List<AutoCloseable> watches = new ArrayList<>();
    private double[] weights;
    private Supplier<PeakEwma> latencyEstimate;
    private int nextIndex;
    private final EjectionCap cap = new EjectionCap();

    /** The available members now; never changed, only replaced. */
    MemberSnapshot available() {
        return available;
    }

    /** Every member, available or not, in route order. */
    List<Member> all() {
        return List.of(members);
    }

    /**
     * Makes a member of each output (of each of its addresses, for {@code resolve=all}), with its weight
     * ({@code weights} in route order) and the latency estimate the policy wants, and starts watching their
     * health (with the health checks and load reports their endpoints ask for).
     */
    synchronized void start(
            String routeId, List<AsyncProcessor> outputs, double[] weights, Supplier<PeakEwma> latencyEstimate) {
        this.routeId = routeId;
        this.weights = weights;
        this.latencyEstimate = latencyEstimate;
        byOutput = new Member[outputs.size()][];
        endpoints = new MemberEndpoint[outputs.size()];
        for (int i = 0; i < outputs.size(); i++) {
            AsyncProcessor output = outputs.get(i);
            MemberEndpoint endpoint = ProcessorGraph.endpointOf(output, MemberEndpoint.class);
            endpoints[i] = endpoint;
            int position = i;
            MemberEndpoint.AddressMembers addresses =
                    endpoint == null ? null : endpoint.addressMembers(output, found -> replace(position, found));
            if (addresses != null) {
                watches.add(addresses);
                byOutput[i] = NONE;
                replace(i, addresses.now());
                continue;
            }
            BackendHealth health = endpoint == null ? null : endpoint.backendHealth();
            MemberOptions options = endpoint == null ? MemberOptions.NONE : endpoint.memberOptions();
            String name = health != null ? health.backend() : output.toString();
            Member member = new Member(nextIndex++, name, output, health, options, weights[i], latencyEstimate.get());
            byOutput[i] = new Member[] {member};
            if (endpoint != null) {
                probesOf.put(member, endpoint::probeClient);
            }
            watch(member);
        }
        members = Arrays.stream(byOutput).flatMap(Arrays::stream).toArray(Member[]::new);
        long now = System.nanoTime();
        for (Member m : members) {
            // A backend a reload names for the first time ramps up from then; one the gateway already
            // sent to (the same route before the reload, another route) is warm, as is one named at start.
            // An address that joins a resolve=all member later ramps up when it enters the snapshot.
            boolean joins = m.health() != null && m.health().namedAfterStart();
            m.rampFrom(joins ? m.health().createdNanos() : now - m.slowStartNanos());
            m.inSnapshot(m.isAvailable());
        }
        applyGates();
    }

    /**
     * The members of output {@code position} are now {@code found}, one per address of its name: a member
     * whose address stays is kept, a new one starts being watched and gated, a gone one is let go.
     */
    private synchronized void replace(int position, List<AddressMember> found) {
        if (weights == null) {
            return; // stopped
        }
        Map<String, Member> known = new HashMap<>();
        for (Member m : byOutput[position]) {
            known.put(m.name(), m);
        }
        Member[] next = new Member[found.size()];
        for (int i = 0; i < next.length; i++) {
            AddressMember address = found.get(i);
            Member member = known.remove(address.name());
            if (member == null) {
                member = new Member(
                        nextIndex++,
                        address.name(),
                        address.processor(),
                        address.health(),
                        endpoints[position].memberOptions(),
                        weights[position],
                        latencyEstimate.get());
                probesOf.put(member, address::probes);
                watch(member);
                gate(member);
            }
            next[i] = member;
        }
        known.values().forEach(this::release);
        byOutput[position] = next;
        members = Arrays.stream(byOutput)
                .filter(java.util.Objects::nonNull)
                .flatMap(Arrays::stream)
                .toArray(Member[]::new);
        refresh();
    }

    private void watch(Member m) {
        if (m.health() == null) {
            return;
        }
        m.health().addListener(onChange);
        if (m.options().healthCheck() != null) {
            m.health().useHealthCheck(m.options().healthCheck(), probesOf.get(m).get());
        }
        if (m.options().loadReport() != null) {
            m.health().useLoadReports(m.options().loadReport(), probesOf.get(m).get());
        }
    }

    private void release(Member m) {
        if (m.gate() != null) {
            m.gate().removeListener(onChange);
        }
        if (m.health() != null) {
            m.health().removeListener(onChange);
            if (m.options().healthCheck() != null) {
                m.health().releaseHealthCheck();
            }
            if (m.options().loadReport() != null) {
                m.health().releaseLoadReports();
            }
        }
        probesOf.remove(m);
    }

    synchronized void stop() {
        for (AutoCloseable watch : watches) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("route {}: closing a resolve=all watch", routeId, e);
            }
        }
        watches.clear();
        for (Member m : members) {
            release(m);
        }
        weights = null;
        byOutput = new Member[0][];
        endpoints = new MemberEndpoint[0];
        members = NONE;
        available = MemberSnapshot.EMPTY;
        cap.reset();
    }

    /**
     * Puts a gate (a circuit breaker) in front of each member, now and whenever the members are made
     * again: {@code gateOf} gives it, or null for none. A gate that closes takes its member out of the
     * snapshot; one that opens brings it back.
     */
    synchronized void gateWith(Function<Member, MemberGate> gateOf) {
        this.gateOf = gateOf;
        applyGates();
    }

    private void applyGates() {
        for (Member m : members) {
            gate(m);
        }
        refresh();
    }

    private void gate(Member m) {
        MemberGate old = m.gate();
        if (old != null) {
            old.removeListener(onChange);
        }
        MemberGate next = gateOf.apply(m);
        m.gate(next);
        if (next != null) {
            next.addListener(onChange);
        }
    }

    /** True when some member has a {@code maxConcurrent} limit (by its output: a resolve=all one may have none yet). */
    boolean anyLimited() {
        return Arrays.stream(endpoints).anyMatch(e -> optionsOf(e).maxConcurrent() > 0);
    }

    /** The longest maxWait among the members. */
    long longestWaitMillis() {
        return Arrays.stream(endpoints)
                .mapToLong(e -> optionsOf(e).maxWait().toMillis())
                .max()
                .orElse(0);
    }

    private static MemberOptions optionsOf(MemberEndpoint endpoint) {
        return endpoint == null ? MemberOptions.NONE : endpoint.memberOptions();
    }

    /** The failure for a request that no member can take: 503, with the soonest a member may be back. */
    UpstreamException unavailable() {
        Member[] all = members;
        long retryAfter = Long.MAX_VALUE;
        boolean gated = false;
        for (Member m : all) {
            gated |= m.gate() != null;
            long health = m.health() != null ? m.health().retryAfterSeconds() : 0;
            long gate = m.gate() != null ? m.gate().retryAfterSeconds() : 0;
            retryAfter = Math.min(retryAfter, Math.max(health, gate));
        }
        return new UpstreamException(
                503,
                UpstreamException.Kind.UNAVAILABLE,
                "no backend available: all " + all.length + " members are down or ejected"
                        + (gated ? " or cut off by their circuit breaker" : ""),
                retryAfter == Long.MAX_VALUE || retryAfter < 1 ? 1 : retryAfter,
                null);
    }

    /**
     * Rebuilds the snapshot of available members; runs whenever a member's backend or gate changes
     * state. A member that enters it starts its slow start.
     */
    private synchronized void refresh() {
        Member[] all = members;
        Set<Member> kept = cap.keptIn(routeId, all);
        long now = System.nanoTime();
        List<Member> in = new ArrayList<>(all.length);
        for (Member m : all) {
            boolean available = m.isAvailable() || kept.contains(m);
            if (available) {
                if (!m.inSnapshot()) {
                    m.rampFrom(now);
                }
                in.add(m);
            }
            m.inSnapshot(available);
        }
        MemberSnapshot next = MemberSnapshot.of(in.toArray(NONE));
        available = next;
        boolean none = next.isEmpty() && all.length > 0;
        if (none && !allDown) {
            LOG.warn("route {}: every member of its load balancer is down; answering 503", routeId);
        } else if (!none && allDown) {
            LOG.info("route {}: {} of {} members available again", routeId, next.size(), all.length);
        }
        allDown = none;
    }
}
