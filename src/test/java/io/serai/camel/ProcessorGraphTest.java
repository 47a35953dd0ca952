package io.serai.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.log.LogEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.SendProcessor;
import org.apache.camel.processor.loadbalancer.LoadBalancer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one walk over a built route finds what sits below Camel's channels, filters and balancers. */
class ProcessorGraphTest {

    private static CamelContext context;

    @BeforeAll
    static void start() throws Exception {
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:nested")
                        .routeId("nested")
                        .filter(header("go").isNotNull())
                        .loadBalance()
                        .roundRobin()
                        .to("log:first")
                        .to("log:second")
                        .end()
                        .end()
                        .to("log:after");
                from("direct:plain").routeId("plain").setBody(constant("x"));
            }
        });
        context.start();
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    @Test
    void findsTheBalancerInsideAFilter() {
        assertNotNull(ProcessorGraph.first(route("nested").navigate(), LoadBalancer.class));
    }

    @Test
    void findsEverySendBreadthFirstTheShallowestFirst() {
        List<SendProcessor> sends = ProcessorGraph.all(route("nested").navigate(), SendProcessor.class);
        assertEquals(
                List.of("log://after", "log://first", "log://second"),
                sends.stream()
                        .map(s -> s.getDestination().getEndpointUri())
                        .sorted()
                        .toList());
        assertEquals(
                "log://after",
                sends.get(0).getDestination().getEndpointUri(),
                "the step outside the filter is shallower");
    }

    @Test
    void theEndpointBehindABalancersOutputIsItsMember() {
        LoadBalancer balancer = ProcessorGraph.first(route("nested").navigate(), LoadBalancer.class);
        LogEndpoint member = ProcessorGraph.endpointOf(balancer.getProcessors().get(1), LogEndpoint.class);
        assertEquals("log://second", member.getEndpointUri());
    }

    @Test
    void answersNothingWhereThereIsNothing() {
        assertNull(ProcessorGraph.first(route("plain").navigate(), LoadBalancer.class));
        assertNull(ProcessorGraph.endpointOf(route("plain").navigate(), LogEndpoint.class));
        assertEquals(List.of(), ProcessorGraph.all(null, SendProcessor.class));
    }

    private static Route route(String id) {
        return context.getRoute(id);
    }
}
