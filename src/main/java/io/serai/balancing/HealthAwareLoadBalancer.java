package io.serai.balancing;

import io.serai.camel.MeterRegistries;
import io.serai.camel.ProcessorGraph;
import io.serai.health.MemberEndpoint;
import io.serai.http.Failures;
import io.serai.http.RouteIds;
import io.serai.http.UpstreamDeadline;
import io.serai.http.UpstreamException;
import io.serai.tracing.Tracing;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;

import java.util.List;
import java.util.function.Function;

/**
 * The load balancer every Serai policy plugs into: its {@link MemberSet} keeps the members and the
 * snapshot of available ones, {@link Admission} their limits and the wait for room, and the policy's
 * {@link MemberSelection} picks from the snapshot. This class joins them per request: a 503 at once
 * when no member is available, the members a retry already tried skipped, a request whose connection
 * could not be made (or an idempotent one whose member closed without answering) sent on to a member
 * not yet tried, each call counted in flight until it ends. The public subclasses are the names routes use; each only makes its selection.
 */
public abstract class HealthAwareLoadBalancer extends LoadBalancerSupport {

    /** Which failed calls go on to a member not yet tried. */
    private static final FailoverRule NEXT_MEMBER = new FailoverRule(List.of());

    private final MemberSet members = new MemberSet();
    private String weights;
    private volatile MemberSelection selection;
    private volatile Admission admission;

    /** A new balancer with this one's settings and none of its state, for one more {@code loadBalance} step. */
    public abstract HealthAwareLoadBalancer copy();

    /** The policy, made from this balancer's settings when it starts. */
    abstract MemberSelection newSelection();

    /**
     * Why this policy refuses {@code weights}, or null (the default) when it honours them; a route that
     * sets them then does not start.
     */
    String refusesWeights() {
        return null;
    }

    /** Why this policy refuses a member's {@code slowStart}, or null (the default) when it ramps members up. */
    String refusesSlowStart() {
        return null;
    }

    /** Member weights in route order, e.g. {@code 4,2,1}; one per output, every member 1 when unset. */
    public void setWeights(String weights) {
        this.weights = weights;
    }

    public String getWeights() {
        return weights;
    }

    /** Every member, available or not, in route order. */
    public List<Member> members() {
        return members.all();
    }

    /**
     * Puts a gate (a circuit breaker) in front of each member, now and whenever this balancer starts
     * again: {@code gateOf} gives it, or null for none.
     */
    public void useGates(Function<Member, MemberGate> gateOf) {
        members.gateWith(gateOf);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        return process(exchange, oneCall(exchange, callback), admission.deadline(), null);
    }

    /**
     * {@code callback}, after which the balancer's attempts of this call (failovers to other members) have
     * ended: with tracing on their client spans count resends from the first ({@link Tracing#callBegins}).
     */
    static AsyncCallback oneCall(Exchange exchange, AsyncCallback callback) {
        if (!Tracing.callBegins(exchange)) {
            return callback;
        }
        return doneSync -> {
            Tracing.callEnded(exchange);
            callback.done(doneSync);
        };
    }

    /** {@code connectTried}: the members whose call failed so that this request went on ({@link #ended}), or null. */
    private boolean process(Exchange exchange, AsyncCallback callback, long deadline, TriedMembers connectTried) {
        MemberSnapshot available = members.available();
        if (available.isEmpty()) {
            exchange.setException(members.unavailable());
            callback.done(true);
            return true;
        }
        TriedMembers tried = connectTried != null ? connectTried : TriedMembers.of(exchange);
        MemberSnapshot candidates = available.untried(tried);
        Member chosen = selection.pick(candidates, exchange);
        if (!Admission.admits(chosen)) {
            chosen = Admission.another(candidates, chosen);
            if (chosen == null) {
                return waitForRoom(exchange, callback, deadline, connectTried);
            }
        }
        if (tried != null) {
            tried.add(chosen);
        }
        Member member = chosen;
        long began = System.nanoTime();
        return dispatch(member, exchange, doneSync -> ended(member, began, tried, exchange, callback, doneSync));
    }

    /**
     * A call ended. One whose connection could not be made (refused, timed out, TLS handshake refused) sent
     * nothing, so the request goes to an available member not yet tried, whatever its method, as nginx's
     * {@code proxy_next_upstream error} and Envoy's {@code connect-failure} do; so does an idempotent one
     * whose member closed the connection before any byte of a response (a member that crashed with it),
     * as nginx's default {@code proxy_next_upstream error} does ({@link FailoverRule}); all tries within
     * {@code serai.upstream.timeout} ({@link UpstreamDeadline}). The failure still counts against that member's
     * passive health and breaker, which saw it before this.
     */
    private void ended(
            Member member,
            long began,
            TriedMembers tried,
            Exchange exchange,
            AsyncCallback callback,
            boolean doneSync) {
        if (!doneSync
                && exchange.getException() instanceof UpstreamException failed
                && NEXT_MEMBER.allows(failed, exchange)) {
            TriedMembers all = tried != null ? tried : TriedMembers.forOneRequest();
            all.add(member);
            if (members.available().hasUntried(all)
                    && BodyReplay.possible(
                            exchange, exchange.getMessage().getBody(), "connect failover", failed.getMessage())) {
                String route = RouteIds.of(exchange);
                MeterRegistries.count(
                        exchange.getContext(),
                        "serai.upstream.retries",
                        "Backend calls sent again, by reason",
                        "route",
                        route,
                        "backend",
                        member.name(),
                        "reason",
                        failed.beforeRequestSent() ? "connect_failure" : "no_response");
                UpstreamDeadline.began(exchange, began);
                Failures.clear(exchange);
                process(
                        exchange,
                        next -> {
                            UpstreamDeadline.clear(exchange); // also when no member was reached this time
                            callback.done(false);
                        },
                        admission.deadline(),
                        all);
                return;
            }
        }
        UpstreamDeadline.clear(exchange);
        callback.done(doneSync);
    }

    /** No available member has room: the request waits for a call to end, until {@code deadline}, then gets 503. */
    private boolean waitForRoom(Exchange exchange, AsyncCallback callback, long deadline, TriedMembers connectTried) {
        Runnable resume = () -> process(exchange, doneSync -> callback.done(false), deadline, connectTried);
        Runnable giveUp = () -> {
            exchange.setException(Admission.atCapacity());
            callback.done(false);
        };
        if (admission.waitForRoom(exchange, deadline, resume, giveUp)) {
            return false;
        }
        exchange.setException(admission.queues() ? Admission.atCapacity() : members.unavailable());
        callback.done(true);
        return true;
    }

    /** The available members now, for a policy that goes through them itself (failover). */
    final MemberSnapshot availableMembers() {
        return members.available();
    }

    /** The 503 for a request no member can take. */
    final Exception unavailable() {
        return members.unavailable();
    }

    final MemberSelection selection() {
        return selection;
    }

    /**
     * Sends the exchange to {@code member}, which {@link Admission#admits} it, counting it in flight until
     * {@code callback} is due.
     */
    final boolean dispatch(Member member, Exchange exchange, AsyncCallback callback) {
        if (member.options().maxConcurrent() == 0) {
            member.started(); // a limited member was counted when admits() reserved its place
        }
        long start = System.nanoTime();
        MemberSelection policy = selection;
        Admission room = admission;
        AsyncCallback counted = doneSync -> {
            member.finished();
            long end = System.nanoTime();
            if (member.gate() != null) {
                member.gate().completed(exchange, end - start);
            }
            policy.finished(member, end - start, end, exchange);
            callback.done(doneSync);
            room.callEnded();
        };
        try {
            return member.processor().process(exchange, counted);
        } catch (RuntimeException e) {
            exchange.setException(e);
            counted.done(true);
            return true;
        }
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // Refused here rather than at start: serai.jar --check initialises routes but starts none.
        MemberWeights.parse(weights, getProcessors().size());
        String refusal = weights == null || weights.isBlank() ? null : refusesWeights();
        if (refusal != null) {
            throw new IllegalArgumentException(refusal + ": remove weights=\"" + weights + "\"");
        }
        String slowStart = refusesSlowStart();
        for (AsyncProcessor output : slowStart == null ? List.<AsyncProcessor>of() : getProcessors()) {
            MemberEndpoint endpoint = ProcessorGraph.endpointOf(output, MemberEndpoint.class);
            if (endpoint != null && !endpoint.memberOptions().slowStart().isZero()) {
                throw new IllegalArgumentException(slowStart + ": remove slowStart from member " + endpoint.origin());
            }
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        MemberSelection policy = newSelection();
        double[] w = MemberWeights.parse(weights, getProcessors().size());
        members.start(RouteIds.userId(getRouteId()), getProcessors(), w, policy::newLatencyEstimate);
        admission = Admission.of(members);
        selection = policy;
    }

    @Override
    protected void doStop() throws Exception {
        members.stop();
        super.doStop();
    }

    /** Copies the settings every policy has onto {@code copy}. */
    protected final <T extends HealthAwareLoadBalancer> T withCommonSettings(T copy) {
        copy.setWeights(weights);
        return copy;
    }
}
