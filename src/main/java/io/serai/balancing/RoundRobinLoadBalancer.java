package io.serai.balancing;

/**
 * Each available member in turn; with {@code weights}, nginx's smooth weighted round robin, so it is
 * {@code weightedLoadBalancer} with {@code roundRobin: true} ({@link WeightedSelection}). What
 * {@code roundRobinLoadBalancer: {}} becomes in Serai.
 */
public class RoundRobinLoadBalancer extends HealthAwareLoadBalancer {

    @Override
    MemberSelection newSelection() {
        return new WeightedSelection(true);
    }

    @Override
    public RoundRobinLoadBalancer copy() {
        return withCommonSettings(new RoundRobinLoadBalancer());
    }
}
