package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The available member with the fewest requests in flight from this balancer, divided by its weight.
 * Ties are broken at random in proportion to weight, so idle members share the load instead of the
 * first one taking it all.
 */
final class LeastConnectionsSelection implements MemberSelection {

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Member best = null;
        double bestScore = Double.MAX_VALUE;
        double tiedWeight = 0;
        for (int i = 0; i < available.size(); i++) {
            Member m = available.get(i);
            double score = m.inFlight() / m.weight();
            if (score < bestScore) {
                best = m;
                bestScore = score;
                tiedWeight = m.weight();
            } else if (score == bestScore) {
                // Weighted reservoir sampling over the tied members: no list, one pass.
                tiedWeight += m.weight();
                if (random.nextDouble() * tiedWeight < m.weight()) {
                    best = m;
                }
            }
        }
        return best;
    }
}
