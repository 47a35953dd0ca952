package io.serai.balancing;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.LoadBalancerDefinition;
import org.apache.camel.model.loadbalancer.CustomLoadBalancerDefinition;
import org.apache.camel.model.loadbalancer.FailoverLoadBalancerDefinition;
import org.apache.camel.model.loadbalancer.RandomLoadBalancerDefinition;
import org.apache.camel.model.loadbalancer.RoundRobinLoadBalancerDefinition;
import org.apache.camel.model.loadbalancer.StickyLoadBalancerDefinition;
import org.apache.camel.model.loadbalancer.WeightedLoadBalancerDefinition;
import org.apache.camel.processor.loadbalancer.LoadBalancer;
import org.apache.camel.reifier.loadbalancer.LoadBalancerReifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes the load balancers a route names in Camel's own words ({@code roundRobinLoadBalancer},
 * {@code weightedLoadBalancer}, {@code randomLoadBalancer}, {@code stickyLoadBalancer},
 * {@code failoverLoadBalancer}) Serai's health-aware ones with the same meaning, through Camel's
 * reifier extension point. A {@code customLoadBalancer} that refers to a Serai policy bean gets a copy
 * of that bean, so two {@code loadBalance} steps never share members or in-flight counts.
 * Camel's own balancers choose by position among all outputs and cannot skip an unhealthy one.
 */
public final class BalancerReifiers extends LoadBalancerReifier<LoadBalancerDefinition> {

    private BalancerReifiers(Route route, LoadBalancerDefinition definition) {
        super(route, definition);
    }

    /** Registers Serai's reifiers; Camel keeps them for the JVM, so calling it again changes nothing. */
    public static void register() {
        for (Class<?> type : List.of(
                RoundRobinLoadBalancerDefinition.class,
                RandomLoadBalancerDefinition.class,
                WeightedLoadBalancerDefinition.class,
                StickyLoadBalancerDefinition.class,
                FailoverLoadBalancerDefinition.class,
                CustomLoadBalancerDefinition.class)) {
            LoadBalancerReifier.registerReifier(type, BalancerReifiers::new);
        }
    }

    @Override
    public LoadBalancer createLoadBalancer() {
        if (definition instanceof RoundRobinLoadBalancerDefinition) {
            return new RoundRobinLoadBalancer();
        }
        if (definition instanceof RandomLoadBalancerDefinition) {
            return new RandomLoadBalancer();
        }
        if (definition instanceof WeightedLoadBalancerDefinition weighted) {
            return weighted(weighted);
        }
        if (definition instanceof StickyLoadBalancerDefinition sticky) {
            return new ConsistentHashLoadBalancer(createExpression(sticky.getCorrelationExpression()));
        }
        if (definition instanceof FailoverLoadBalancerDefinition failover) {
            return failover(failover);
        }
        return custom((CustomLoadBalancerDefinition) definition);
    }

    private LoadBalancer weighted(WeightedLoadBalancerDefinition d) {
        WeightedLoadBalancer answer = new WeightedLoadBalancer();
        String delimiter =
                d.getDistributionRatioDelimiter() == null ? "," : parseString(d.getDistributionRatioDelimiter());
        String ratio = parseString(d.getDistributionRatio());
        if (ratio == null || ratio.isBlank()) {
            throw new IllegalArgumentException("weightedLoadBalancer needs a distributionRatio such as \"4,2,1\"");
        }
        answer.setWeights(String.join(",", ratio.split(java.util.regex.Pattern.quote(delimiter))));
        answer.setRoundRobin(parseBoolean(d.getRoundRobin(), false));
        return answer;
    }

    private LoadBalancer failover(FailoverLoadBalancerDefinition d) {
        FailoverLoadBalancer answer = new FailoverLoadBalancer();
        List<Class<?>> types = new ArrayList<>(d.getExceptionTypes());
        CamelContext context = camelContext;
        for (String name : d.getExceptions()) {
            Class<?> type = context.getClassResolver().resolveClass(name);
            if (type == null || !Throwable.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(
                        "failoverLoadBalancer exception " + name + " is not an exception class");
            }
            types.add(type);
        }
        answer.setOtherFailures(types);
        Integer attempts = parseInt(d.getMaximumFailoverAttempts());
        if (attempts != null) {
            answer.setMaximumFailoverAttempts(attempts);
        }
        answer.setRoundRobin(parseBoolean(d.getRoundRobin(), false));
        answer.setSticky(parseBoolean(d.getSticky(), false));
        return answer;
    }

    private LoadBalancer custom(CustomLoadBalancerDefinition d) {
        LoadBalancer bean = d.getCustomLoadBalancer();
        if (bean == null) {
            String ref = parseString(d.getRef());
            if (ref == null || ref.isBlank()) {
                throw new IllegalArgumentException("customLoadBalancer needs a ref: leastConnections, latencyAware, "
                        + "resourceBased or the name of a load balancer bean");
            }
            bean = camelContext.getRegistry().lookupByNameAndType(ref, LoadBalancer.class);
            if (bean == null) {
                throw new IllegalArgumentException("customLoadBalancer ref " + ref + ": no load balancer bean "
                        + "by that name (Serai's are leastConnections, latencyAware and resourceBased)");
            }
        }
        return bean instanceof HealthAwareLoadBalancer policy ? policy.copy() : bean;
    }
}
