package io.serai.balancing;

import io.serai.settings.SettingValues;

import java.time.Duration;

/**
 * Power of two choices over peak-EWMA response times ({@link PeakEwmaSelection}): a member that turns
 * slow loses traffic at once; its estimate decays while it gets none, so it is tried again and wins
 * traffic back when it has recovered. A failed call counts as a {@code failurePenalty}-long response.
 * Bean name {@code latencyAware}.
 */
public class LatencyAwareLoadBalancer extends HealthAwareLoadBalancer {

    private String decayTime = "2s";
    private String failurePenalty = "1s";
    private long decayNanos = Duration.ofSeconds(2).toNanos();
    private long penaltyNanos = Duration.ofSeconds(1).toNanos();

    /** How fast old response times are forgotten (the EWMA's time constant); Finagle uses 10s. */
    public void setDecayTime(String decayTime) {
        this.decayNanos =
                SettingValues.duration("latencyAware decayTime", decayTime).toNanos();
        if (decayNanos <= 0) {
            throw new IllegalArgumentException(
                    "latencyAware decayTime=" + decayTime + " is invalid: expected more than 0");
        }
        this.decayTime = decayTime;
    }

    public String getDecayTime() {
        return decayTime;
    }

    public void setFailurePenalty(String failurePenalty) {
        this.penaltyNanos = SettingValues.duration("latencyAware failurePenalty", failurePenalty)
                .toNanos();
        this.failurePenalty = failurePenalty;
    }

    public String getFailurePenalty() {
        return failurePenalty;
    }

    @Override
    MemberSelection newSelection() {
        return new PeakEwmaSelection(decayNanos, penaltyNanos);
    }

    @Override
    public LatencyAwareLoadBalancer copy() {
        LatencyAwareLoadBalancer copy = withCommonSettings(new LatencyAwareLoadBalancer());
        copy.setDecayTime(decayTime);
        copy.setFailurePenalty(failurePenalty);
        return copy;
    }
}
