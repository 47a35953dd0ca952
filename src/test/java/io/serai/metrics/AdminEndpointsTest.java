package io.serai.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.serai.support.MemberBackends;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin listener after real traffic: Prometheus series with the right counts, health, routes. */
@Timeout(60)
class AdminEndpointsTest {

    private static final String ROUTES = """
            - beans:
                - name: tightLimit
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties: {limit: 1, period: 60s, key: global}
            - route:
                id: shop
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/shop?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}?healthCheckPath=/health&healthCheckInterval=200ms&unhealthyThreshold=2&healthyThreshold=1"
                          - to: "netty-http:{{backend.2}}?healthCheckPath=/health&healthCheckInterval=200ms&unhealthyThreshold=2&healthyThreshold=1"
            - route:
                id: broken
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/broken?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{backend.gone}}"
            - route:
                id: cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/cached?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - setHeader: {name: Cache-Control, constant: "max-age=60"}
                          - setBody: {constant: "cacheable"}
            - route:
                id: guarded
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/guarded?matchOnUriPrefix=true"
                  steps:
                    - circuitBreaker:
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{backend.1}}"
                                - to: "netty-http:{{backend.2}}"
            - route:
                id: partial
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/partial?matchOnUriPrefix=true"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}?group=one"
                          - to: "netty-http:{{backend.gone}}?group=two"
            - route:
                id: counted
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/counted?matchOnUriPrefix=true"
                  steps:
                    - to: "micrometer:counter:orders.placed?tags=shop=demo"
                    - setBody: {constant: "placed"}
            - route:
                id: limited
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/limited?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: tightLimit
                        steps:
                          - setBody: {constant: "ok"}
            """;

    @TempDir
    static Path dir;

    static MemberBackends members;
    static RunningSerai serai;
    static int admin;

    @BeforeAll
    static void start() throws Exception {
        members = MemberBackends.start(2);
        admin = RunningSerai.freePort();
        RunningSerai.Builder b = RunningSerai.routes(ROUTES)
                .property("serai.admin.port", admin)
                .property("backend.gone", TestBackend.refusingUrl())
                .property("serai.health.passive.consecutive-failures", 0);
        b.properties(members.properties());
        serai = b.start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        members.close();
    }

    @Test
    void afterTrafficMetricsHaveTheSeriesWithTheRightCountsAndNoPathLabels() throws Exception {
        String before = get(admin, "/metrics").bodyText();
        for (int i = 0; i < 10; i++) {
            assertEquals(200, get(serai.port(), "/shop/item-" + i).status());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(502, get(serai.port(), "/broken/x").status());
        }
        get(serai.port(), "/cached/a");
        get(serai.port(), "/cached/a");
        get(serai.port(), "/limited/a");
        assertEquals(429, get(serai.port(), "/limited/a").status());

        RawResponse scrape = get(admin, "/metrics");
        assertEquals(200, scrape.status());
        assertTrue(scrape.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        String text = scrape.bodyText();
        assertEquals(10.0, delta(before, text, "serai_requests_total{code=\"2xx\",route=\"shop\"}"));
        assertEquals(3.0, delta(before, text, "serai_requests_total{code=\"5xx\",route=\"broken\"}"));
        // Each member's own series; how the ten split depends on health checks a loaded machine may fail.
        double first = delta(
                before,
                text,
                "serai_upstream_requests_total{backend=\"" + members.backend(1).url()
                        + "\",code=\"2xx\",route=\"shop\"}");
        double second = delta(
                before,
                text,
                "serai_upstream_requests_total{backend=\"" + members.backend(2).url()
                        + "\",code=\"2xx\",route=\"shop\"}");
        assertEquals(10.0, first + second, "every request counted once, under the member that served it");
        assertTrue(first >= 1 && second >= 1, "both members served: " + first + " and " + second);
        assertEquals(
                3.0,
                delta(
                        before,
                        text,
                        "serai_upstream_errors_total{backend=\"http://127.0.0.1:"
                                + serai.context()
                                        .resolvePropertyPlaceholders("{{backend.gone}}")
                                        .replaceAll(".*:", "")
                                + "\",kind=\"connect_failed\",route=\"broken\"}"));
        assertEquals(10.0, delta(before, text, "serai_request_duration_seconds_count{route=\"shop\"}"));
        assertTrue(
                text.contains("serai_request_duration_seconds_bucket{route=\"shop\",le=\"0.005\"}"),
                "histogram buckets");
        assertEquals(1.0, delta(before, text, "serai_cache_requests_total{result=\"hit\",route=\"cached\"}"));
        assertTrue(delta(before, text, "serai_rate_limited_total{route=\"limited\"}") >= 1, "429s counted");
        assertEquals(
                1.0,
                value(text, "serai_backend_up{backend=\"" + members.backend(2).url() + "\"}"));
        assertTrue(text.contains("jvm_memory_used_bytes"), "JVM memory");
        assertTrue(text.contains("jvm_gc_"), "GC");
        assertTrue(text.contains("jvm_threads_live_threads"), "threads");
        assertTrue(text.contains("netty_allocator_memory_used"), "Netty buffers");
        assertTrue(text.contains("serai_http_cache_bytes"), "cache bytes");
        assertFalse(text.contains("item-"), "a path never becomes a label");
    }

    @Test
    void routesListsEachRouteWithItsSourceStateAndBackends() throws Exception {
        get(serai.port(), "/shop/x");
        JsonNode routes =
                new ObjectMapper().readTree(get(admin, "/routes").body()).get("routes");
        JsonNode shop = null;
        for (JsonNode r : routes) {
            if (r.get("id").asText().equals("shop")) {
                shop = r;
            }
            assertFalse(r.get("id").asText().startsWith("serai-admin"), "admin routes are not listed");
        }
        assertTrue(shop != null, routes.toString());
        assertTrue(
                shop.get("source").asText().matches("test-\\d+\\.camel\\.yaml:\\d+"),
                shop.get("source").asText());
        assertEquals("Started", shop.get("state").asText());
        assertEquals(2, shop.get("backends").size());
        assertEquals(
                members.backend(1).url(),
                shop.get("backends").get(0).get("backend").asText());
        assertTrue(shop.get("backends").get(0).has("inFlight"));
        assertTrue(shop.get("p99Ms").asDouble() > 0);
    }

    @Test
    void theStatusPageIsServedAndTheAdminListenerRefusesWrites() throws Exception {
        RawResponse page = get(admin, "/");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        assertTrue(page.bodyText().contains("new URL(\"/routes\", location.origin)"));
        RawResponse post =
                RawHttp.exchange(admin, "POST /routes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        assertEquals(405, post.status());
        assertEquals(404, get(admin, "/nothing").status());
    }

    @Test
    void routesCanAddTheirOwnMetersWithCamelMicrometer() throws Exception {
        get(serai.port(), "/counted/x");
        get(serai.port(), "/counted/x");
        String scrape = get(admin, "/metrics").bodyText();
        Matcher line = Pattern.compile("^orders_placed_total\\{[^}]*shop=\"demo\"[^}]*} (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        assertTrue(
                line.find(),
                scrape.lines().filter(l -> l.contains("orders")).toList().toString());
        assertEquals(2.0, Double.parseDouble(line.group(1)));
    }

    @Test
    void theGrafanaDashboardOnlyUsesSeriesSeraiExports() throws Exception {
        get(serai.port(), "/guarded/x");
        get(serai.port(), "/partial/x");
        get(serai.port(), "/broken/x");
        get(serai.port(), "/cached/d");
        get(serai.port(), "/limited/x");
        get(serai.port(), "/limited/x");
        System.gc(); // jvm_gc_pause_seconds appears with the first collection
        String scrape = Waits.forText(
                () -> {
                    try {
                        return get(admin, "/metrics").bodyText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "jvm_gc_pause_seconds_sum",
                Duration.ofSeconds(5));
        String dashboard = java.nio.file.Files.readString(Path.of("docs/grafana-dashboard.json"));
        Matcher names = Pattern.compile("(?<![\\w\"])((?:serai|jvm|netty|cache)_[a-z_]+)")
                .matcher(dashboard);
        java.util.Set<String> missing = new java.util.TreeSet<>();
        int used = 0;
        while (names.find()) {
            used++;
            String name = names.group(1);
            if (!Pattern.compile("^" + name + "(\\{| )", Pattern.MULTILINE)
                    .matcher(scrape)
                    .find()) {
                missing.add(name);
            }
        }
        assertTrue(used > 15, "the dashboard queries " + used + " series");
        assertTrue(missing.isEmpty(), "the dashboard uses series Serai does not export: " + missing);
    }

    private static RawResponse awaitStatus(String path, int status) throws Exception {
        return Waits.forStatus(status, Waits.PROMPTLY, () -> get(admin, path));
    }

    private static double delta(String before, String after, String series) {
        return value(after, series) - (before.contains(series + " ") ? value(before, series) : 0);
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        assertTrue(
                m.find(),
                "no " + series + " in:\n"
                        + scrape.lines().filter(l -> l.startsWith("serai_")).toList());
        return Double.parseDouble(m.group(1));
    }

    private static RawResponse get(int port, String path) throws IOException {
        // The admin listener is on loopback without a token: it answers a Host that names it.
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
}
