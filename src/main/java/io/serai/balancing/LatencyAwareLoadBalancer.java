package io.serai.balancing;

import io.serai.settings.SettingValues;
import io.serai.http.UpstreamException;
import org.apache.camel.Exchange;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices over peak-EWMA response times, as Finagle's and Linkerd's P2C-EWMA: two
 * available members at random, and the one with the lower cost (its decaying response-time estimate
 * times its requests in flight plus one) takes the request. A member that turns slow loses traffic at
 * once; its estimate decays while it gets none, so it is tried again and wins traffic back when it has
 * recovered. A failed call counts as a {@code failurePenalty}-long response. Bean name {@code latencyAware}.
 */
public class LatencyAwareLoadBalancer extends HealthAwareLoadBalancer {

    /**
     * Below this, response times count as equal and in-flight counts decide between fast members:
     * sub-millisecond differences are noise for a gateway, and a short blip on a fast member would
     * otherwise cost it its traffic for several decay times.
     */
    private static final double FLOOR_NANOS = 1_000_000;

    private String decayTime = "2s";
    private String failurePenalty = "1s";
    private long decayNanos = Duration.ofSeconds(2).toNanos();
    private long penaltyNanos = Duration.ofSeconds(1).toNanos();

    /** How fast old response times are forgotten (the EWMA's time constant); Finagle uses 10s. */
    public void setDecayTime(String decayTime) {
        this.decayNanos = SettingValues.duration("latencyAware decayTime", decayTime).toNanos();
        if (decayNanos <= 0) {
            throw new IllegalArgumentException("latencyAware decayTime=" + decayTime + " is invalid: expected more than 0");
        }
        this.decayTime = decayTime;
    }

    public String getDecayTime() {
        return decayTime;
    }

    public void setFailurePenalty(String failurePenalty) {
        this.penaltyNanos = SettingValues.duration("latencyAware failurePenalty", failurePenalty).toNanos();
        this.failurePenalty = failurePenalty;
    }

    public String getFailurePenalty() {
        return failurePenalty;
    }

    @Override
    protected PeakEwma newLatencyEstimate() {
        return new PeakEwma(decayNanos);
    }

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        int n = available.length;
        if (n == 1) {
            return available[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        long now = System.nanoTime();
        double a = cost(available[i], now);
        double b = cost(available[j], now);
        if (a == b) {
            return random.nextBoolean() ? available[i] : available[j];
        }
        return a < b ? available[i] : available[j];
    }

    private static double cost(Member m, long now) {
        return Math.max(FLOOR_NANOS, m.latency().estimateNanos(now)) * (m.inFlight() + 1) / m.weight();
    }

    @Override
    protected void finished(Member member, long elapsedNanos, long endNanos, Exchange exchange) {
        boolean failed = exchange.getException() instanceof UpstreamException e
                && e.kind() != UpstreamException.Kind.ABANDONED;
        member.latency().observe(failed ? Math.max(elapsedNanos, penaltyNanos) : elapsedNanos, endNanos);
    }

    @Override
    public LatencyAwareLoadBalancer copy() {
        LatencyAwareLoadBalancer copy = withCommonSettings(new LatencyAwareLoadBalancer());
        copy.setDecayTime(decayTime);
        copy.setFailurePenalty(failurePenalty);
        return copy;
    }
}
