package io.serai.proxy;

import io.serai.ingress.ListenerDrain;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.List;
import java.util.Map;

/**
 * Readiness: this replica can serve, that is its listeners are bound and it is not shutting down. The
 * state of backends is no part of it (a route without a member answers 503 itself, and
 * {@code /health/backends} shows which): every replica shares its backends, so a readiness that followed
 * them would take every replica out of the Service at once.
 */
public final class ServingCheck extends AbstractHealthCheck {

    private final ListenerDrain drain;

    public ServingCheck(ListenerDrain drain) {
        super("serai", "serving");
        this.drain = drain;
    }

    /** Adds the check to Camel's health-check registry, when health checks are on. */
    public static void register(CamelContext context, ListenerDrain drain) {
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        if (checks != null) {
            ServingCheck serving = new ServingCheck(drain);
            serving.setCamelContext(context);
            checks.register(serving);
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (drain.isDraining()) {
            builder.message("shutting down: finishing the requests in flight");
            builder.down();
            return;
        }
        List<String> unbound = drain.unboundListeners();
        if (!unbound.isEmpty()) {
            builder.message("not listening on " + String.join(", ", unbound));
            builder.detail("unbound", unbound);
            builder.down();
            return;
        }
        builder.up();
    }
}
