package io.serai.balancing;

import io.serai.http.UpstreamException;
import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices over peak-EWMA response times, as Finagle's and Linkerd's P2C-EWMA: two
 * available members at random, and the one with the lower cost (its decaying response-time estimate
 * times its requests in flight plus one, over its weight) takes the request. A failed call counts as
 * a {@code penaltyNanos}-long response. A member in its slow start counts with the weight it has
 * reached, so it costs more and wins fewer of the comparisons.
 */
final class PeakEwmaSelection implements MemberSelection {

    /**
     * Below this, response times count as equal and in-flight counts decide between fast members:
     * sub-millisecond differences are noise for a gateway, and a short blip on a fast member would
     * otherwise cost it its traffic for several decay times.
     */
    private static final double FLOOR_NANOS = 1_000_000;

    private final long decayNanos;
    private final long penaltyNanos;

    PeakEwmaSelection(long decayNanos, long penaltyNanos) {
        this.decayNanos = decayNanos;
        this.penaltyNanos = penaltyNanos;
    }

    @Override
    public PeakEwma newLatencyEstimate() {
        return new PeakEwma(decayNanos);
    }

    @Override
    public Member pick(MemberSnapshot available, Exchange exchange) {
        int n = available.size();
        if (n == 1) {
            return available.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        long now = System.nanoTime();
        double a = cost(available.get(i), now);
        double b = cost(available.get(j), now);
        if (a == b) {
            return random.nextBoolean() ? available.get(i) : available.get(j);
        }
        return a < b ? available.get(i) : available.get(j);
    }

    private static double cost(Member m, long now) {
        return Math.max(FLOOR_NANOS, m.latency().estimateNanos(now)) * (m.inFlight() + 1) / m.weightAt(now);
    }

    @Override
    public void finished(Member member, long elapsedNanos, long endNanos, Exchange exchange) {
        boolean failed =
                exchange.getException() instanceof UpstreamException e && e.kind() != UpstreamException.Kind.ABANDONED;
        member.latency().observe(failed ? Math.max(elapsedNanos, penaltyNanos) : elapsedNanos, endNanos);
    }
}
