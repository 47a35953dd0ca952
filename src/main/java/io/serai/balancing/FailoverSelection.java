package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a failover starts: the first available member; with {@code roundRobin} the first member
 * rotates; with {@code sticky} it is the last one that answered, while it is available.
 * {@link FailoverLoadBalancer} goes on from there to the next members.
 */
final class FailoverSelection implements MemberSelection {

    private final boolean roundRobin;
    private final boolean sticky;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger lastGood = new AtomicInteger(-1);

    FailoverSelection(boolean roundRobin, boolean sticky) {
        this.roundRobin = roundRobin;
        this.sticky = sticky;
    }

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        return available.get(first(available));
    }

    /** The position in {@code available} to start at. */
    int first(MemberSnapshot available) {
        if (sticky) {
            int good = lastGood.get();
            for (int i = 0; i < available.size(); i++) {
                if (available.get(i).index() == good) {
                    return i;
                }
            }
        }
        return roundRobin ? Math.floorMod(next.getAndIncrement(), available.size()) : 0;
    }

    /** {@code member} answered: a sticky failover starts there next time. */
    void answered(Member member) {
        lastGood.set(member.index());
    }
}
