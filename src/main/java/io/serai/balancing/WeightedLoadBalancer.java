package io.serai.balancing;

/**
 * Members in proportion to their weights: by smooth weighted round robin when {@code roundRobin}, else
 * at random ({@link WeightedSelection}). What {@code weightedLoadBalancer} (with
 * {@code distributionRatio}) becomes in Serai; the proportions hold among the members that are available.
 */
public class WeightedLoadBalancer extends HealthAwareLoadBalancer {

    private boolean roundRobin;

    public void setRoundRobin(boolean roundRobin) {
        this.roundRobin = roundRobin;
    }

    public boolean isRoundRobin() {
        return roundRobin;
    }

    @Override
    MemberSelection newSelection() {
        return new WeightedSelection(roundRobin);
    }

    @Override
    public WeightedLoadBalancer copy() {
        WeightedLoadBalancer copy = withCommonSettings(new WeightedLoadBalancer());
        copy.setRoundRobin(roundRobin);
        return copy;
    }
}
