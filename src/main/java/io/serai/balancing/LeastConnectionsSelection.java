package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The available member with the fewest requests in flight from this balancer, divided by its weight.
 * Ties are broken at random in proportion to weight, so idle members share the load instead of the
 * first one taking it all. A member in its slow start counts with the weight it has reached.
 */
final class LeastConnectionsSelection implements MemberSelection {

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long now = System.nanoTime();
        boolean slowStarting = available.slowStarting(now);
        Member best = null;
        double bestScore = Double.MAX_VALUE;
        double tiedWeight = 0;
        for (int i = 0; i < available.size(); i++) {
            Member m = available.get(i);
            double weight = slowStarting ? m.weightAt(now) : m.weight();
            double score = m.inFlight() / weight;
            if (score < bestScore) {
                best = m;
                bestScore = score;
                tiedWeight = weight;
            } else if (score == bestScore) {
                // Weighted reservoir sampling over the tied members: no list, one pass.
                tiedWeight += weight;
                if (random.nextDouble() * tiedWeight < weight) {
                    best = m;
                }
            }
        }
        return best;
    }
}
