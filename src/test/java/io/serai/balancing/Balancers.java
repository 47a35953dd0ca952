package io.serai.balancing;

import io.serai.camel.ProcessorGraph;
import io.serai.support.Waits;
import org.apache.camel.CamelContext;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finds a running route's load balancer, to read what it counts. */
final class Balancers {

    private Balancers() {}

    static HealthAwareLoadBalancer of(CamelContext context, String routeId) {
        HealthAwareLoadBalancer balancer =
                ProcessorGraph.first(context.getRoute(routeId).navigate(), HealthAwareLoadBalancer.class);
        if (balancer == null) {
            throw new AssertionError("route " + routeId + " has no Serai load balancer");
        }
        return balancer;
    }

    /** Waits, bounded, until no member has a request in flight; fails naming the counts otherwise. */
    static void awaitNothingInFlight(HealthAwareLoadBalancer balancer, Duration timeout) {
        Waits.upTo(timeout).untilAsserted(() -> {
            StringBuilder counts = new StringBuilder();
            balancer.members()
                    .forEach(m -> counts.append(m.name())
                            .append('=')
                            .append(m.inFlight())
                            .append(' '));
            assertTrue(
                    balancer.members().stream().allMatch(m -> m.inFlight() == 0),
                    "requests still counted in flight: " + counts);
        });
    }
}
