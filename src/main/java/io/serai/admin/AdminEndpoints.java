package io.serai.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.serai.http.RouteIds;
import io.serai.metrics.SeraiMeters;
import io.serai.shared.SharedRedis;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The admin listener's read-only endpoints: {@code GET /metrics} (Prometheus text), {@code GET
 * /health/live} (Camel's context check), {@code GET /health/ready} (that and Serai's serving check:
 * listeners bound, not shutting down; 503 when not up), {@code GET /health/backends} (each route's
 * backends and whether it has one available; always 200), {@code GET /routes} (JSON) and {@code GET /}
 * (the status page).
 */
public final class AdminEndpoints implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Left out of liveness and readiness: all but Camel's context check and Serai's own. Camel's route
     * checks turn down while a reload drains a replaced route, which is no reason to restart or unready a
     * replica.
     */
    private static final Predicate<HealthCheck> NOT_SERAIS =
            check -> !"context".equals(check.getId()) && !"serai".equals(check.getGroup());

    private final SeraiMeters meters;
    private final byte[] statusPage;

    public AdminEndpoints(SeraiMeters meters) {
        this.meters = meters;
        try (InputStream page = AdminEndpoints.class.getResourceAsStream("/serai/status.html")) {
            this.statusPage = page == null ? new byte[0] : page.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("the status page could not be read", e);
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            AdminReplies.reply(exchange, 405, "{\"error\":\"the admin endpoints answer GET\"}");
            exchange.getMessage().setHeader("Allow", "GET, HEAD");
            return;
        }
        switch (path == null || path.isEmpty() ? "/" : path) {
            case "/metrics" ->
                AdminReplies.reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape());
            case "/health/live" ->
                health(exchange, HealthCheckHelper.invoke(exchange.getContext(), NOT_SERAIS.or(c -> !c.isLiveness())));
            case "/health/ready", "/health" ->
                health(exchange, HealthCheckHelper.invoke(exchange.getContext(), NOT_SERAIS.or(c -> !c.isReadiness())));
            case "/health/backends" ->
                AdminReplies.reply(exchange, 200, JSON.writeValueAsString(backends(exchange.getContext())));
            case "/routes" -> AdminReplies.reply(exchange, 200, JSON.writeValueAsString(routes(exchange.getContext())));
            case "/" ->
                AdminReplies.reply(
                        exchange, 200, "text/html; charset=utf-8", new String(statusPage, StandardCharsets.UTF_8));
            default ->
                AdminReplies.reply(
                        exchange,
                        404,
                        "{\"error\":\"no such admin endpoint; see /, /metrics,"
                                + " /health/live, /health/ready, /health/backends, /routes, /cache\"}");
        }
    }

    /** The routes and, in shared mode, Redis (the status page shows both from this one answer). */
    private Map<String, Object> routes(CamelContext context) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routes", RouteViews.of(context, meters));
        SharedRedis redis = SharedRedis.lookup(context);
        if (redis != null) {
            body.put("redis", redis.view());
        }
        return body;
    }

    /** Each route's backends and, in shared mode, Redis: the state replicas share, not a reason to unready. */
    private static Map<String, Object> backends(CamelContext context) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routes", RouteViews.backends(context));
        SharedRedis redis = SharedRedis.lookup(context);
        if (redis != null) {
            body.put("redis", redis.view());
        }
        return body;
    }

    private void health(Exchange exchange, Collection<HealthCheck.Result> results) throws Exception {
        boolean up = true;
        List<Map<String, Object>> checks = new ArrayList<>();
        for (HealthCheck.Result result : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            // Camel's route checks are named for the route Camel runs: a reloaded one's generation stays internal.
            check.put("id", RouteIds.userId(result.getCheck().getId()));
            check.put("state", result.getState().name());
            result.getMessage().ifPresent(m -> check.put("message", m));
            checks.add(check);
            up &= result.getState() != HealthCheck.State.DOWN;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        AdminReplies.reply(exchange, up ? 200 : 503, JSON.writeValueAsString(body));
    }
}
