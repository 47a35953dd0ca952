package io.serai.balancing;

import java.util.concurrent.ThreadLocalRandom;

/** Weighted picks shared by the policies that weigh members. */
final class WeightedChoice {

    private WeightedChoice() {}

    /** A member at random with probability proportional to {@code weights[i]}. */
    static Member random(MemberSnapshot members, double[] weights) {
        double total = 0;
        for (int i = 0; i < members.size(); i++) {
            total += weights[i];
        }
        double r = ThreadLocalRandom.current().nextDouble() * total;
        for (int i = 0; i < members.size(); i++) {
            r -= weights[i];
            if (r < 0) {
                return members.get(i);
            }
        }
        return members.get(members.size() - 1);
    }

    /**
     * nginx's smooth weighted round robin, unrolled into one cycle of member positions: weights 4,2,1
     * give a,b,a,c,a,b,a, spread out rather than a,a,a,a,b,b,c. Weights are scaled to whole numbers
     * and the cycle is capped at {@code maxLength} entries.
     */
    static int[] smoothSchedule(double[] weights, int maxLength) {
        int n = weights.length;
        double min = Double.MAX_VALUE;
        double sum = 0;
        for (double w : weights) {
            min = Math.min(min, w);
            sum += w;
        }
        double scale = 1 / min;
        if (sum * scale > maxLength) {
            scale = maxLength / sum;
        }
        long[] w = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(1, Math.round(weights[i] * scale));
            total += w[i];
        }
        long[] current = new long[n];
        int[] schedule = new int[(int) total];
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += w[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[step] = best;
        }
        return schedule;
    }
}
