package io.serai.admin;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.List;
import java.util.Map;

/** Readiness: not ready while every member of some route's load balancer is down, ejected or cut off. */
public final class BackendsHealthCheck extends AbstractHealthCheck {

    public BackendsHealthCheck() {
        super("serai", "backends");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> down = RouteViews.routesWithEveryMemberDown(getCamelContext());
        if (down.isEmpty()) {
            builder.up();
        } else {
            builder.message("every backend of route(s) " + String.join(", ", down) + " is unavailable");
            builder.detail("routes", down);
            builder.down();
        }
    }
}
