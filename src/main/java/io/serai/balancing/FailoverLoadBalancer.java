package io.serai.balancing;

import io.serai.http.Failures;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first available member, and on a failure that {@link FailoverRule} allows, the next one, each
 * member at most once (fewer with {@code maximumFailoverAttempts}), and only while the request's body
 * can be sent again ({@link BodyReplay}). With {@code roundRobin} the first
 * member rotates; with {@code sticky} it is the last one that answered. What
 * {@code failoverLoadBalancer} becomes in Serai.
 */
public class FailoverLoadBalancer extends HealthAwareLoadBalancer {

    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger lastGood = new AtomicInteger(-1);
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
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Member[] candidates = availableMembers();
        if (candidates.length == 0) {
            return super.process(exchange, callback);
        }
        int limit = maximumFailoverAttempts < 0 ? candidates.length
                : Math.min(candidates.length, maximumFailoverAttempts + 1);
        new Attempts(candidates, first(candidates), limit, exchange, callback).next();
        return false;
    }

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        return available[first(available)];
    }

    private int first(Member[] candidates) {
        if (sticky) {
            int good = lastGood.get();
            for (int i = 0; i < candidates.length; i++) {
                if (candidates[i].index() == good) {
                    return i;
                }
            }
        }
        return roundRobin ? Math.floorMod(next.getAndIncrement(), candidates.length) : 0;
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
        private final Member[] candidates;
        private final int first;
        private final int limit;
        private final Exchange exchange;
        private final AsyncCallback callback;
        private int tried;

        Attempts(Member[] candidates, int first, int limit, Exchange exchange, AsyncCallback callback) {
            this.candidates = candidates;
            this.first = first;
            this.limit = limit;
            this.exchange = exchange;
            this.callback = callback;
        }

        void next() {
            while (tried < limit) {
                Member member = candidates[(first + tried) % candidates.length];
                tried++;
                if (admits(member)) {
                    dispatch(member, exchange, doneSync -> done(member));
                    return;
                }
            }
            exchange.setException(unavailable());
            callback.done(false);
        }

        private void done(Member member) {
            Exception failure = exchange.getException();
            if (failure != null && tried < limit && rule.allows(failure, exchange) && BodyReplay.possible(exchange,
                    exchange.getMessage().getBody(), "failover", failure.getMessage())) {
                Failures.clear(exchange); // the same request goes to the next member
                next();
                return;
            }
            if (failure == null) {
                lastGood.set(member.index());
            }
            callback.done(false);
        }
    }
}
