package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Members in proportion to their weights: by smooth weighted round robin when {@code roundRobin}, else
 * at random. What {@code weightedLoadBalancer} (with {@code distributionRatio}) becomes in Serai; the
 * proportions hold among the members that are available.
 */
public class WeightedLoadBalancer extends HealthAwareLoadBalancer {

    private static final int MAX_CYCLE = 10_000;

    private boolean roundRobin;
    private final AtomicInteger next = new AtomicInteger();
    private volatile Picks picks = new Picks(new Member[0], new double[0], new int[0]);

    public void setRoundRobin(boolean roundRobin) {
        this.roundRobin = roundRobin;
    }

    public boolean isRoundRobin() {
        return roundRobin;
    }

    @Override
    protected void availableChanged(Member[] available) {
        double[] weights = new double[available.length];
        for (int i = 0; i < available.length; i++) {
            weights[i] = available[i].weight();
        }
        int[] cycle = roundRobin && available.length > 0 ? WeightedChoice.smoothSchedule(weights, MAX_CYCLE) : new int[0];
        picks = new Picks(available, weights, cycle);
    }

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        Picks p = picks;
        if (p.members != available) {
            // A snapshot newer than the precomputed picks: rare, only around a change of health.
            return available[Math.floorMod(next.getAndIncrement(), available.length)];
        }
        if (roundRobin) {
            return p.members[p.cycle[Math.floorMod(next.getAndIncrement(), p.cycle.length)]];
        }
        return WeightedChoice.random(p.members, p.weights);
    }

    @Override
    public WeightedLoadBalancer copy() {
        WeightedLoadBalancer copy = withCommonSettings(new WeightedLoadBalancer());
        copy.setRoundRobin(roundRobin);
        return copy;
    }

    private record Picks(Member[] members, double[] weights, int[] cycle) {
    }
}
