package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.ThreadLocalRandom;

/** An available member at random. What {@code randomLoadBalancer: {}} becomes in Serai. */
public class RandomLoadBalancer extends HealthAwareLoadBalancer {

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        return available[ThreadLocalRandom.current().nextInt(available.length)];
    }

    @Override
    public RandomLoadBalancer copy() {
        return withCommonSettings(new RandomLoadBalancer());
    }
}
