package io.serai.balancing;

import org.apache.camel.Exchange;

import java.util.concurrent.atomic.AtomicInteger;

/** Each available member in turn. What {@code roundRobinLoadBalancer: {}} becomes in Serai. */
public class RoundRobinLoadBalancer extends HealthAwareLoadBalancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    protected Member choose(Member[] available, Exchange exchange) {
        return available[Math.floorMod(next.getAndIncrement(), available.length)];
    }

    @Override
    public RoundRobinLoadBalancer copy() {
        return withCommonSettings(new RoundRobinLoadBalancer());
    }
}
