package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Members in proportion to their weights, among those available: by nginx's smooth weighted round
 * robin when {@code roundRobin}, else at random; with every weight 1, plain round robin and random.
 * What it derives from a snapshot (the weights, the round-robin cycle) is kept until the next
 * snapshot. While a member is in its slow start its weight changes with every request, which a cycle
 * of whole numbers cannot follow: both pick at random in proportion to the weights of the moment then.
 */
final class WeightedSelection implements MemberSelection {

    private static final int MAX_CYCLE = 10_000;

    private final boolean roundRobin;
    private final AtomicInteger next = new AtomicInteger();
    private volatile Picks picks = new Picks(MemberSnapshot.EMPTY, new double[0], new int[0]);

    WeightedSelection(boolean roundRobin) {
        this.roundRobin = roundRobin;
    }

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        long now = System.nanoTime();
        if (available.slowStarting(now)) {
            return WeightedChoice.random(available, available.weightsAt(now));
        }
        Picks p = picks;
        if (p.snapshot != available) {
            // Once per new snapshot (and for a retry's snapshot without the members it tried): cheap for usual weights.
            p = picksFor(available);
            picks = p;
        }
        if (roundRobin) {
            return available.get(p.cycle[Math.floorMod(next.getAndIncrement(), p.cycle.length)]);
        }
        return WeightedChoice.random(available, p.weights);
    }

    private Picks picksFor(MemberSnapshot available) {
        double[] weights = new double[available.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = available.get(i).weight();
        }
        int[] cycle = roundRobin ? WeightedChoice.smoothSchedule(weights, MAX_CYCLE) : new int[0];
        return new Picks(available, weights, cycle);
    }

    private record Picks(MemberSnapshot snapshot, double[] weights, int[] cycle) {}
}
