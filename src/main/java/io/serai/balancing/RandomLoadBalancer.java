package io.serai.balancing;

/**
 * An available member at random, in proportion to its {@code weights} when set ({@link WeightedSelection}).
 * What {@code randomLoadBalancer: {}} becomes in Serai.
 */
public class RandomLoadBalancer extends HealthAwareLoadBalancer {

    @Override
    MemberSelection newSelection() {
        return new WeightedSelection(false);
    }

    @Override
    public RandomLoadBalancer copy() {
        return withCommonSettings(new RandomLoadBalancer());
    }
}
