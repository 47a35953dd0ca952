package io.serai.admin;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.serai.balancing.HealthAwareLoadBalancer;
import io.serai.balancing.Member;
import io.serai.camel.ProcessorGraph;
import io.serai.health.BackendHealth;
import io.serai.health.BackendStatus;
import io.serai.health.MemberEndpoint;
import io.serai.http.RouteIds;
import io.serai.metrics.SeraiMeters;
import io.serai.resilience.MemberBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.processor.SendProcessor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the admin API and the status page show of the running routes: each route's source, state,
 * traffic and latency, and each of its backends with health, in-flight requests, breaker state and
 * latency. Read from the routes' processors and the meters, never stored.
 */
public final class RouteViews {

    private RouteViews() {}

    /** One map per route (admin routes left out), ready to be written as JSON. */
    public static List<Map<String, Object>> of(CamelContext context, SeraiMeters meters) {
        List<Map<String, Object>> views = new ArrayList<>();
        for (Route route : newestGenerations(context)) {
            String id = RouteIds.userId(route.getRouteId());
            if (RouteIds.isAdmin(id)) {
                continue;
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", id);
            view.put("source", route.getSourceLocationShort());
            view.put("endpoint", route.getEndpoint().getEndpointBaseUri());
            view.put("state", String.valueOf(context.getRouteController().getRouteStatus(route.getRouteId())));
            view.put("inFlight", meters.inFlight(id));
            long[] answered = meters.answered(id);
            Map<String, Long> requests = new LinkedHashMap<>();
            for (int c = 1; c <= 5; c++) {
                requests.put(c + "xx", answered[c]);
            }
            view.put("requests", requests);
            putLatency(view, meters.requestTimer(id));
            List<Map<String, Object>> members = new ArrayList<>();
            collect(
                    route,
                    (name, health, inFlight, gate) -> members.add(member(id, name, health, inFlight, gate, meters)));
            view.put("backends", members);
            views.add(view);
        }
        return views;
    }

    /**
     * Each route's backends and their state, for {@code /health/backends}: per route its id, whether some
     * backend of it is available now, and per backend its URL, state (up, down, ejected), availability,
     * the reason it is not up and its breaker's state. Routes with no backend of Serai's are left out.
     */
    public static List<Map<String, Object>> backends(CamelContext context) {
        List<Map<String, Object>> views = new ArrayList<>();
        for (Route route : newestGenerations(context)) {
            if (RouteIds.isAdmin(route.getRouteId())) {
                continue;
            }
            List<Map<String, Object>> members = new ArrayList<>();
            collect(route, (name, health, inFlight, gate) -> members.add(state(name, health, gate)));
            if (members.isEmpty()) {
                continue;
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", RouteIds.userId(route.getRouteId()));
            view.put("available", members.stream().anyMatch(m -> !Boolean.FALSE.equals(m.get("available"))));
            view.put("backends", members);
            views.add(view);
        }
        return views;
    }

    /** Each route once: while a reloaded route's old generation drains, the new one stands for it. */
    private static Collection<Route> newestGenerations(CamelContext context) {
        Map<String, Route> newest = new LinkedHashMap<>();
        for (Route route : context.getRoutes()) {
            newest.merge(
                    RouteIds.userId(route.getRouteId()),
                    route,
                    (a, b) -> RouteIds.generation(a.getRouteId()) >= RouteIds.generation(b.getRouteId()) ? a : b);
        }
        return newest.values();
    }

    /** The route's backends: each balancer's members, then each backend a route sends to directly. */
    private static void collect(Route route, BackendSink out) {
        Set<SendProcessor> balanced = Collections.newSetFromMap(new IdentityHashMap<>());
        for (HealthAwareLoadBalancer balancer : ProcessorGraph.all(route.navigate(), HealthAwareLoadBalancer.class)) {
            for (Member m : balancer.members()) {
                out.add(m.name(), m.health(), m.inFlight(), m.gate());
            }
            balanced.addAll(ProcessorGraph.all(balancer, SendProcessor.class));
        }
        for (SendProcessor send : ProcessorGraph.all(route.navigate(), SendProcessor.class)) {
            if (!balanced.contains(send) && send.getDestination() instanceof MemberEndpoint endpoint) {
                BackendHealth health = endpoint.backendHealth();
                out.add(health.backend(), health, -1, null);
            }
        }
    }

    /** One backend a route sends to, as {@link #collect} finds it. */
    private interface BackendSink {
        void add(String name, BackendHealth health, int inFlight, Object gate);
    }

    private static Map<String, Object> member(
            String route, String name, BackendHealth health, int inFlight, Object gate, SeraiMeters meters) {
        Map<String, Object> view = state(name, health, gate);
        if (inFlight >= 0) {
            view.put("inFlight", inFlight);
        }
        Timer calls = meters.registry()
                .find("serai.upstream.duration")
                .tags("route", route, "backend", name)
                .timer();
        if (calls != null) {
            putLatency(view, calls);
        } else {
            view.put("count", 0L);
        }
        return view;
    }

    /** A backend's URL, health and breaker. */
    private static Map<String, Object> state(String name, BackendHealth health, Object gate) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("backend", name);
        if (health != null) {
            BackendStatus status = health.status();
            view.put("available", status.available());
            view.put("state", !status.activeUp() ? "down" : status.ejected() ? "ejected" : "up");
            if (status.reason() != null) {
                view.put("reason", status.reason());
            }
        }
        if (gate instanceof MemberBreaker breaker) {
            view.put("breaker", breaker.breaker().getState().name().toLowerCase(java.util.Locale.ROOT));
            if (!breaker.isPassable()) {
                view.put("available", false);
            }
        }
        return view;
    }

    private static void putLatency(Map<String, Object> view, Timer timer) {
        view.put("count", timer.count());
        for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
            view.put(
                    p.percentile() == 0.5 ? "p50Ms" : "p99Ms",
                    Math.round(p.value(TimeUnit.MILLISECONDS) * 100) / 100.0);
        }
    }
}
