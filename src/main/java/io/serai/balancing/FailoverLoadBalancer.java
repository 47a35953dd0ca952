package io.serai.balancing;

import io.serai.http.Failures;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import java.util.List;

/**
 * The first available member ({@link FailoverSelection}), and on a failure that {@link FailoverRule}
 * allows, the next one, each member at most once (fewer with {@code maximumFailoverAttempts}), and
 * only while the request's body can be sent again ({@link BodyReplay}). With {@code roundRobin} the
 * first member rotates; with {@code sticky} it is the last one that answered. What
 * {@code failoverLoadBalancer} becomes in Serai.
 */
public class FailoverLoadBalancer extends HealthAwareLoadBalancer {

    private boolean roundRobin;
    private boolean sticky;
    private int maximumFailoverAttempts = -1;
    private List<Class<?>> otherFailures = List.of();
    private FailoverRule rule = new FailoverRule(otherFailures);

    public void setRoundRobin(boolean roundRobin) {
        this.roundRobin = roundRobin;
    }

    public void setSticky(boolean sticky) {
        this.sticky = sticky;
    }

    /** How many other members to try after the first; -1 (the default) tries each member once. */
    public void setMaximumFailoverAttempts(int maximumFailoverAttempts) {
        this.maximumFailoverAttempts = maximumFailoverAttempts;
    }

    void setOtherFailures(List<Class<?>> otherFailures) {
        this.otherFailures = List.copyOf(otherFailures);
        this.rule = new FailoverRule(this.otherFailures);
    }

    @Override
    MemberSelection newSelection() {
        return new FailoverSelection(roundRobin, sticky);
    }

    @Override
    String refusesWeights() {
        return "failoverLoadBalancer takes no weights: it tries members in route order (or in turn)";
    }

    @Override
    String refusesSlowStart() {
        return "failoverLoadBalancer takes no slowStart: it sends everything to one member at a time";
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        MemberSnapshot candidates = availableMembers();
        if (candidates.isEmpty()) {
            return super.process(exchange, callback);
        }
        int limit = maximumFailoverAttempts < 0
                ? candidates.size()
                : Math.min(candidates.size(), maximumFailoverAttempts + 1);
        FailoverSelection selection = (FailoverSelection) selection();
        new Attempts(selection, candidates, selection.first(candidates), limit, exchange, oneCall(exchange, callback))
                .next();
        return false;
    }

    @Override
    public FailoverLoadBalancer copy() {
        FailoverLoadBalancer copy = withCommonSettings(new FailoverLoadBalancer());
        copy.setRoundRobin(roundRobin);
        copy.setSticky(sticky);
        copy.setMaximumFailoverAttempts(maximumFailoverAttempts);
        copy.setOtherFailures(otherFailures);
        return copy;
    }

    /** One request's way through the members, each attempt started by the previous one's completion. */
    private final class Attempts {
        private final FailoverSelection selection;
        private final MemberSnapshot candidates;
        private final int first;
        private final int limit;
        private final Exchange exchange;
        private final AsyncCallback callback;
        private int tried;

        Attempts(
                FailoverSelection selection,
                MemberSnapshot candidates,
                int first,
                int limit,
                Exchange exchange,
                AsyncCallback callback) {
            this.selection = selection;
            this.candidates = candidates;
            this.first = first;
            this.limit = limit;
            this.exchange = exchange;
            this.callback = callback;
        }

        void next() {
            while (tried < limit) {
                Member member = candidates.get((first + tried) % candidates.size());
                tried++;
                if (Admission.admits(member)) {
                    dispatch(member, exchange, doneSync -> done(member));
                    return;
                }
            }
            exchange.setException(unavailable());
            callback.done(false);
        }

        private void done(Member member) {
            Exception failure = exchange.getException();
            if (failure != null
                    && tried < limit
                    && rule.allows(failure, exchange)
                    && BodyReplay.possible(
                            exchange, exchange.getMessage().getBody(), "failover", failure.getMessage())) {
                Failures.clear(exchange); // the same request goes to the next member
                next();
                return;
            }
            if (failure == null) {
                selection.answered(member);
            }
            callback.done(false);
        }
    }
}
