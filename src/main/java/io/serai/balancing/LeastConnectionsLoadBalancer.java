package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The available member with the fewest requests in flight from this {@code loadBalance} step,
 * divided by its weight when {@code weights} are set. Ties are broken at random in proportion to
 * weight, so idle members share the load instead of the first one taking it all.
 * Bean name {@code leastConnections}.
 */
public class LeastConnectionsLoadBalancer extends HealthAwareLoadBalancer {

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Member best = null;
        double bestScore = Double.MAX_VALUE;
        double tiedWeight = 0;
        for (Member m : available) {
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

    @Override
    public LeastConnectionsLoadBalancer copy() {
        return withCommonSettings(new LeastConnectionsLoadBalancer());
    }
}
