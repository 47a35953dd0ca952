package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The same key always to the same available member, by rendezvous (highest random weight) hashing
 * over member names: a member that leaves or returns moves only its own share of keys, and every
 * Serai replica maps a key alike. With unequal weights a member's share of keys follows its weight.
 * A request without a key goes to a member at random.
 */
final class RendezvousHashSelection implements MemberSelection {

    private final Function<Exchange, String> keyOf;

    RendezvousHashSelection(Function<Exchange, String> keyOf) {
        this.keyOf = keyOf;
    }

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        boolean weighted = false;
        for (int i = 1; i < available.size() && !weighted; i++) {
            weighted = available.get(i).weight() != available.get(0).weight();
        }
        String k = keyOf.apply(exchange);
        if (k == null || k.isEmpty()) {
            return weighted
                    ? WeightedChoice.random(available, available.weightsAt(System.nanoTime()))
                    : available.get(ThreadLocalRandom.current().nextInt(available.size()));
        }
        long keyHash = HashKeys.hash64(k);
        return weighted ? weightedBest(available, keyHash) : best(available, keyHash);
    }

    private static Member best(MemberSnapshot available, long keyHash) {
        Member best = available.get(0);
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < available.size(); i++) {
            Member m = available.get(i);
            long score = HashKeys.mix(keyHash ^ m.hashSeed());
            if (score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    private static Member weightedBest(MemberSnapshot available, long keyHash) {
        Member best = available.get(0);
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < available.size(); i++) {
            Member m = available.get(i);
            double score = weightedScore(HashKeys.mix(keyHash ^ m.hashSeed()), m.weight());
            if (score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * Weighted rendezvous hashing (Schindelhauer and Schomaker): {@code -weight / ln(u)} for the hash as
     * a uniform {@code u} in (0,1) gives each member a share of keys in proportion to its weight and
     * still moves only a leaving member's keys. {@code u} rises with the signed hash, so equal weights
     * would choose as the unweighted comparison does.
     */
    private static double weightedScore(long hash, double weight) {
        double u = (((hash ^ Long.MIN_VALUE) >>> 11) + 0.5) * 0x1.0p-53;
        return -weight / Math.log(u);
    }
}
