package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The same key always to the same available member, by rendezvous (highest random weight) hashing
 * over member names: a member that leaves or returns moves only its own share of keys, and every
 * Serai replica maps a key alike. A request without a key goes to a member at random.
 */
final class RendezvousHashSelection implements MemberSelection {

    private final Function<Exchange, String> keyOf;

    RendezvousHashSelection(Function<Exchange, String> keyOf) {
        this.keyOf = keyOf;
    }

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        String k = keyOf.apply(exchange);
        if (k == null || k.isEmpty()) {
            return available.get(ThreadLocalRandom.current().nextInt(available.size()));
        }
        long keyHash = HashKeys.hash64(k);
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
}
