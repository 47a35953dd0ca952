package io.serai.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.serai.balancing.HealthAwareLoadBalancer;
import io.serai.http.Failures;
import io.serai.http.UpstreamException;
import io.serai.tracing.Tracing;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.service.ServiceHelper;

import java.util.List;

/**
 * What Camel's {@code circuitBreaker} step becomes in Serai: Camel's Resilience4j reifier reads the
 * step's {@code resilience4jConfiguration} (and camel.resilience4j.* defaults) as it always does, but
 * the calls run without blocking: Camel's own processor waits for the steps inside on the calling
 * thread, which is a Netty event loop here, the one the backend's answer must arrive on.
 *
 * <p>Around a {@code loadBalance}, every member gets its own breaker: an open one takes the member out
 * of every policy's choice, like an unhealthy member, and when every member is out the route answers
 * 503 at once. Around anything else there is one breaker for the step. The {@code onFallback} steps
 * answer instead when the request fails or no member can take it, with {@code Serai-Fallback} saying
 * why.
 */
final class CircuitBreakerProcessor extends AsyncProcessorSupport implements Navigate<Processor> {

    static final String FALLBACK_HEADER = "Serai-Fallback";

    private final ResilienceProcessor definition;
    private final String routeId;
    private final String stepName;
    private final BackendBreakers breakers;
    /** The load balancer the steps inside start with, found when the route was built; null when none. */
    private final HealthAwareLoadBalancer balancer;

    private AsyncProcessor inner;
    private AsyncProcessor fallback;
    private MemberBreaker single;

    CircuitBreakerProcessor(
            ResilienceProcessor definition,
            String routeId,
            String stepName,
            BackendBreakers breakers,
            HealthAwareLoadBalancer balancer) {
        this.definition = definition;
        this.routeId = routeId;
        this.stepName = stepName;
        this.breakers = breakers;
        this.balancer = balancer;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        MemberBreaker breaker = single;
        if (breaker != null && !breaker.tryAcquire()) {
            Tracing.event(
                    exchange,
                    "serai.breaker.open",
                    "serai.member",
                    breaker.breaker().getName());
            exchange.setException(new UpstreamException(
                    503,
                    UpstreamException.Kind.UNAVAILABLE,
                    "circuit breaker open for route " + routeId,
                    breaker.retryAfterSeconds(),
                    null));
            after(exchange, callback);
            return false;
        }
        long start = System.nanoTime();
        inner.process(exchange, doneSync -> {
            if (breaker != null) {
                breaker.completed(exchange, System.nanoTime() - start);
            }
            after(exchange, callback);
        });
        return false;
    }

    private void after(Exchange exchange, AsyncCallback callback) {
        Exception failure = exchange.getException();
        if (failure == null || fallback == null) {
            callback.done(false);
            return;
        }
        String reason = failure instanceof UpstreamException u && u.kind() == UpstreamException.Kind.UNAVAILABLE
                ? "circuit-open"
                : "failed";
        Failures.clear(exchange);
        fallback.process(exchange, doneSync -> {
            exchange.getMessage().setHeader(FALLBACK_HEADER, reason);
            callback.done(false);
        });
    }

    @Override
    protected void doStart() throws Exception {
        List<Processor> children = definition.next();
        inner = AsyncProcessorConverterHelper.convert(children.get(0));
        fallback = children.size() > 1 ? AsyncProcessorConverterHelper.convert(children.get(1)) : null;
        ServiceHelper.startService(definition);
        // Open members are skipped, so no call would ever move their breaker on: it must turn half-open by itself.
        CircuitBreakerConfig config = CircuitBreakerConfig.from(
                        definition.getCircuitBreaker().getCircuitBreakerConfig())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
        String prefix = routeId + "/" + stepName;
        if (balancer != null) {
            // Before the steps start, so that the balancer's members have their breakers from their first request.
            balancer.useGates(member ->
                    breakers.breaker(prefix + "/" + member.name(), config, member.name() + " (route " + routeId + ")"));
            single = null;
        } else {
            single = breakers.breaker(prefix, config, "route " + routeId);
        }
        ServiceHelper.startService(children);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(definition.next());
        ServiceHelper.stopService(definition);
    }

    @Override
    public List<Processor> next() {
        return definition.next();
    }

    @Override
    public boolean hasNext() {
        return true;
    }
}
