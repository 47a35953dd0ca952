package io.serai.balancing;

/** An available member at random. What {@code randomLoadBalancer: {}} becomes in Serai. */
public class RandomLoadBalancer extends HealthAwareLoadBalancer {

    @Override
    MemberSelection newSelection() {
        return new RandomSelection();
    }

    @Override
    public RandomLoadBalancer copy() {
        return withCommonSettings(new RandomLoadBalancer());
    }
}
