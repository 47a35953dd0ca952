package io.serai.balancing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import io.serai.support.Waits;
import org.apache.camel.CamelContext;
import org.apache.camel.Channel;
import org.apache.camel.Navigate;
import org.apache.camel.Route;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** Finds a running route's load balancer, to read what it counts. */
final class Balancers {

    private Balancers() {
    }

    static HealthAwareLoadBalancer of(CamelContext context, String routeId) {
        Route route = context.getRoute(routeId);
        Deque<Object> todo = new ArrayDeque<>(route.navigate().next());
        for (int seen = 0; !todo.isEmpty() && seen < 200; seen++) {
            Object p = todo.poll();
            if (p instanceof HealthAwareLoadBalancer balancer) {
                return balancer;
            }
            if (p instanceof Channel channel && channel.getNextProcessor() != null) {
                todo.add(channel.getNextProcessor());
            }
            if (p instanceof Navigate<?> navigate && navigate.hasNext()) {
                todo.addAll(navigate.next());
            }
        }
        throw new AssertionError("route " + routeId + " has no Serai load balancer");
    }

    /** Waits, bounded, until no member has a request in flight; fails naming the counts otherwise. */
    static void awaitNothingInFlight(HealthAwareLoadBalancer balancer, Duration timeout) {
        Waits.upTo(timeout).untilAsserted(() -> {
            StringBuilder counts = new StringBuilder();
            balancer.members().forEach(m -> counts.append(m.name()).append('=').append(m.inFlight()).append(' '));
            assertTrue(balancer.members().stream().allMatch(m -> m.inFlight() == 0),
                    "requests still counted in flight: " + counts);
        });
    }
}
