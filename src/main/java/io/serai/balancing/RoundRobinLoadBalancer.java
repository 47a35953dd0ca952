package io.serai.balancing;

/** Each available member in turn. What {@code roundRobinLoadBalancer: {}} becomes in Serai. */
public class RoundRobinLoadBalancer extends HealthAwareLoadBalancer {

    @Override
    MemberSelection newSelection() {
        return new RoundRobinSelection();
    }

    @Override
    public RoundRobinLoadBalancer copy() {
        return withCommonSettings(new RoundRobinLoadBalancer());
    }
}
