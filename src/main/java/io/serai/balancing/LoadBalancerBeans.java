package io.serai.balancing;

import org.apache.camel.spi.Registry;

/**
 * Serai's own policies under the names routes use with {@code customLoadBalancer: {ref: ...}}. Each
 * {@code loadBalance} step gets its own copy (see {@link BalancerReifiers}). To change a policy's
 * settings, declare a bean of its class in the YAML with properties and refer to that name instead.
 */
public final class LoadBalancerBeans {

    public static final String LEAST_CONNECTIONS = "leastConnections";
    public static final String LATENCY_AWARE = "latencyAware";
    public static final String RESOURCE_BASED = "resourceBased";

    private LoadBalancerBeans() {}

    public static void bindDefaults(Registry registry) {
        registry.bind(LEAST_CONNECTIONS, new LeastConnectionsLoadBalancer());
        registry.bind(LATENCY_AWARE, new LatencyAwareLoadBalancer());
        registry.bind(RESOURCE_BASED, new ResourceBasedLoadBalancer());
    }
}
