package io.serai.resilience;

import io.serai.balancing.HealthAwareLoadBalancer;
import io.serai.camel.ProcessorGraph;
import io.serai.http.RouteIds;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.component.resilience4j.ResilienceReifier;
import org.apache.camel.model.CircuitBreakerDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.NodeIdFactory;
import org.apache.camel.spi.ProcessorFactory;
import org.apache.camel.support.PluginHelper;

import java.util.List;

/**
 * Makes Camel's {@code circuitBreaker} step Serai's {@link CircuitBreakerProcessor}: the YAML and its
 * {@code resilience4jConfiguration} stay Camel's, read by Camel's own reifier. camel-resilience4j
 * plugs in through Camel's {@link ProcessorFactory}, so Serai's factory answers for circuit breakers
 * and leaves every other step to the factory it replaces. A {@code loadBalance} inside is found here,
 * as the route is built, so that the breaker's processor is handed its balancer and never searches.
 */
public final class CircuitBreakerReifiers implements ProcessorFactory {

    private final ProcessorFactory delegate;
    private final BackendBreakers breakers;

    private CircuitBreakerReifiers(ProcessorFactory delegate, BackendBreakers breakers) {
        this.delegate = delegate;
        this.breakers = breakers;
    }

    public static void register(CamelContext context, BackendBreakers breakers) {
        ProcessorFactory current = PluginHelper.getProcessorFactory(context);
        context.getCamelContextExtension()
                .addContextPlugin(ProcessorFactory.class, new CircuitBreakerReifiers(current, breakers));
    }

    @Override
    public Processor createProcessor(Route route, NamedNode definition) throws Exception {
        if (definition instanceof CircuitBreakerDefinition circuitBreaker) {
            if (circuitBreaker.getFaultToleranceConfiguration() != null) {
                throw new IllegalArgumentException("circuitBreaker: faultToleranceConfiguration is not supported;"
                        + " use resilience4jConfiguration");
            }
            var options = circuitBreaker.getResilience4jConfiguration();
            if (options != null
                    && ("true".equals(options.getBulkheadEnabled()) || "true".equals(options.getTimeoutEnabled()))) {
                throw new IllegalArgumentException("circuitBreaker in route " + RouteIds.userId(route.getRouteId())
                        + ": bulkheadEnabled and timeoutEnabled are not supported (they would block a thread per call);"
                        + " use a ConcurrencyLimitPolicy or maxConcurrent on members, and serai.upstream.timeout or"
                        + " callTimeout");
            }
            ResilienceProcessor camel =
                    (ResilienceProcessor) new ResilienceReifier(route, circuitBreaker).createProcessor();
            CamelContext context = route.getCamelContext();
            camel.setCamelContext(context);
            camel.setRouteId(route.getRouteId());
            camel.setId(circuitBreaker.idOrCreate(
                    context.getCamelContextExtension().getContextPlugin(NodeIdFactory.class)));
            // The balancer the steps inside start with (not one in onFallback) gets a breaker per member.
            HealthAwareLoadBalancer balancer = ProcessorGraph.first(camel.next().get(0), HealthAwareLoadBalancer.class);
            return new CircuitBreakerProcessor(
                    camel, RouteIds.userId(route.getRouteId()), stepName(route, circuitBreaker), breakers, balancer);
        }
        return delegate.createProcessor(route, definition);
    }

    /**
     * The step's name in its breakers' keys: its own id when the route gives one, else its place among
     * the route's circuit breakers, so that a reloaded route finds its breakers again.
     */
    private static String stepName(Route route, CircuitBreakerDefinition step) {
        if (step.hasCustomIdAssigned()) {
            return step.getId();
        }
        if (route.getRoute() instanceof RouteDefinition definition) {
            List<CircuitBreakerDefinition> all = List.copyOf(ProcessorDefinitionHelper.filterTypeInOutputs(
                    definition.getOutputs(), CircuitBreakerDefinition.class));
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i) == step) {
                    return "circuitBreaker-" + (i + 1);
                }
            }
        }
        return "circuitBreaker";
    }

    @Override
    public Processor createChildProcessor(Route route, NamedNode definition, boolean mandatory) throws Exception {
        return delegate.createChildProcessor(route, definition, mandatory);
    }

    @Override
    public Processor createProcessor(CamelContext context, String definitionName, Object[] args) throws Exception {
        return delegate.createProcessor(context, definitionName, args);
    }
}
