package io.serai.balancing;

/**
 * The available member with the fewest requests in flight from this {@code loadBalance} step,
 * divided by its weight when {@code weights} are set ({@link LeastConnectionsSelection}).
 * Bean name {@code leastConnections}.
 */
public class LeastConnectionsLoadBalancer extends HealthAwareLoadBalancer {

    @Override
    MemberSelection newSelection() {
        return new LeastConnectionsSelection();
    }

    @Override
    public LeastConnectionsLoadBalancer copy() {
        return withCommonSettings(new LeastConnectionsLoadBalancer());
    }
}
