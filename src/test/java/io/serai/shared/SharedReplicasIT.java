package io.serai.shared;

import io.serai.support.CacheOrigin;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Serai processes, started from the jar as the README starts it on examples/shared-cache.camel.yaml
 * plus a file of rate-limited routes, on one real redis-server: they
 * share one rate limit, a purge on one reaches the others within a second, a response one cached is a
 * shared hit on another, and with Redis killed mid-test no request fails, limits fall back to local
 * ones, and shared mode resumes when Redis returns.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedReplicasIT {

    private static final String ROUTES = """
            - beans:
                - name: sharedLimit
                  type: io.serai.resilience.RateLimitPolicy
                  properties:
                    limit: 100
                    period: 60s
                    key: global
                    scope: cluster
                - name: warmLimit
                  type: io.serai.resilience.RateLimitPolicy
                  properties:
                    limit: 1000000
                    period: 1s
                    key: global
                    scope: cluster
                - name: fallbackLimit
                  type: io.serai.resilience.RateLimitPolicy
                  properties:
                    limit: 30
                    period: 60s
                    key: global
                    scope: cluster
            - route:
                id: limited
                from:
                  uri: "netty-http:http://0.0.0.0:{{serai.port}}/limited?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: sharedLimit
                        steps:
                          - to: "netty-http:http://{{origin}}"
            - route:
                id: warm
                from:
                  uri: "netty-http:http://0.0.0.0:{{serai.port}}/warm?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: warmLimit
                        steps:
                          - to: "netty-http:http://{{origin}}"
            - route:
                id: fallback
                from:
                  uri: "netty-http:http://0.0.0.0:{{serai.port}}/fallback?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: fallbackLimit
                        steps:
                          - to: "netty-http:http://{{origin}}"
            """;

    @TempDir
    static Path dir;

    static RedisServer redis;
    static CacheOrigin origin;
    static final List<SeraiProcess> replicas = new ArrayList<>();
    static final List<Integer> ports = new ArrayList<>();
    static final List<Integer> admins = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(dir);
        origin = CacheOrigin.start();
        // A route under a prefix sends the rest of the path on, as Camel's netty-http does.
        for (String path : List.of("/x", "/y", "/z")) {
            origin.on(path, (r, n) -> CacheOrigin.ok("ok"));
        }
        Path limits = dir.resolve("limits.camel.yaml");
        Files.writeString(limits, ROUTES);
        for (int i = 0; i < 3; i++) {
            int[] p = RunningSerai.freePorts(2);
            ports.add(p[0]);
            admins.add(p[1]);
            replicas.add(SeraiProcess.builder()
                    .asTheReadmeStartsIt()
                    .env("SERAI_ROUTES", "examples/shared-cache.camel.yaml," + limits)
                    .property("serai.port", p[0])
                    .property("serai.admin.port", p[1])
                    .property("serai.access-log", "off")
                    .property("serai.redis.url", redis.url())
                    .property("serai.redis.fallback-replicas", 3)
                    // Four JVMs here share two cores with the other test JVM: a Redis answer late by 50 ms only
                    // sends a request to the local fallback (counted; SharedRedisTest covers the time-out),
                    // which would blur the count of one shared limit this test is about.
                    .property("serai.redis.timeout", "500ms")
                    .property("origin", origin.hostPort())
                    .property("upstream.url", "http://" + origin.hostPort())
                    .start(dir));
        }
        for (int i = 0; i < 3; i++) {
            int admin = admins.get(i);
            replicas.get(i).awaitAnswer(Waits.STARTUP, () -> MetricScrape.value(admin, "serai_redis_up"));
            Waits.upTo(Waits.PROMPTLY).until(() -> MetricScrape.value(admin, "serai_redis_up") == 1.0);
            // The cache tier is skipped until it knows its key generation: a write before then never lands.
            Waits.upTo(Waits.PROMPTLY).until(() -> MetricScrape.value(admin, "serai_cache_shared_ready") == 1.0);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (SeraiProcess replica : replicas) {
            replica.close();
        }
        origin.close();
        redis.close();
    }

    @Test
    @Order(1)
    void threeHundredRequestsSpreadOverThreeReplicasGetOneSharedLimitOfAHundred() throws Exception {
        // Fresh JVMs on a small machine: let each compile its path to Redis before the count matters.
        spread(150, "/warm/x");
        Map<Integer, Integer> statuses = spread(300, "/limited/x");
        int ok = statuses.getOrDefault(200, 0);
        StringBuilder fallbacks = new StringBuilder();
        for (int admin : admins) {
            fallbacks
                    .append(' ')
                    .append(MetricScrape.value(admin, "serai_rate_limit_fallbacks_total"))
                    .append('/')
                    .append(MetricScrape.value(admin, "serai_redis_calls_seconds_count", "outcome=\"timeout\""));
        }
        assertTrue(
                ok >= 95 && ok <= 105,
                "100 ± 5 admitted across the replicas: " + statuses + "; fallbacks/time-outs per replica:" + fallbacks);
        assertEquals(300 - ok, statuses.getOrDefault(429, 0), "the rest refused with 429: " + statuses);
    }

    @Test
    @Order(2)
    void aResponseReplicaOneCachedIsASharedHitOnReplicaTwo() throws Exception {
        origin.on("/shared", (r, n) -> CacheOrigin.ok("shared body", "Cache-Control", "max-age=600"));
        RawResponse first = RawHttp.get(ports.get(0), "/shared");
        assertEquals(200, first.status());
        assertEquals(1, origin.count("/shared"));
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> MetricScrape.value(admins.get(0), "serai_cache_shared_total", "result=\"write\"") >= 1);
        RawResponse second = RawHttp.get(ports.get(1), "/shared");
        assertEquals(200, second.status());
        assertEquals("shared body", second.bodyText());
        assertTrue(second.header("Cache-Status").contains(SHARED_HIT), second.header("Cache-Status"));
        assertEquals(1, origin.count("/shared"), "replica 2 did not ask the origin");
    }

    @Test
    @Order(3)
    void aPurgeOnReplicaOneIsSeenOnTheOtherTwoWithinASecond() throws Exception {
        origin.on("/purged", (r, n) -> CacheOrigin.ok("v" + n, "Cache-Control", "max-age=600"));
        for (int port : ports) {
            assertEquals(200, RawHttp.get(port, "/purged").status());
        }
        for (int port : ports) {
            assertTrue(RawHttp.get(port, "/purged").header("Cache-Status").contains("hit"), "cached on " + port);
        }
        int fetched = origin.count("/purged");
        String old = RawHttp.get(ports.get(2), "/purged").bodyText();
        RawResponse purge = RawHttp.exchange(
                admins.get(0), "DELETE /cache?url=http://127.0.0.1/purged HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals(200, purge.status(), purge.bodyText());
        assertTrue(purge.bodyText().contains("\"replicas\":\"sent\""), purge.bodyText());
        long purged = System.nanoTime();
        for (int i = 1; i < 3; i++) {
            int port = ports.get(i);
            Waits.upTo(Duration.ofSeconds(2))
                    .until(() -> !RawHttp.get(port, "/purged").bodyText().equals(old));
        }
        long tookMs = (System.nanoTime() - purged) / 1_000_000;
        assertTrue(tookMs < 1000, "replicas 2 and 3 stopped serving the purged answer after " + tookMs + " ms");
        assertTrue(origin.count("/purged") > fetched, "the next request went to the origin");
    }

    @Test
    @Order(4)
    void withRedisKilledNoRequestFailsLimitsFallBackToLocalAndSharedModeResumes() throws Exception {
        origin.on("/steady", (r, n) -> CacheOrigin.ok("steady", "Cache-Control", "max-age=600"));
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(3);
        List<Future<Map<Integer, Integer>>> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = ports.get(i);
            workers.add(load.submit(() -> {
                Map<Integer, Integer> seen = new TreeMap<>();
                while (running.get()) {
                    seen.merge(RawHttp.get(port, "/steady").status(), 1, Integer::sum);
                    seen.merge(RawHttp.get(port, "/limited/y").status(), 1, Integer::sum);
                }
                return seen;
            }));
        }
        try {
            Waits.upTo(Duration.ofSeconds(5)).until(() -> origin.count("/steady") >= 1);
            redis.kill();
            for (int admin : admins) {
                Waits.upTo(Waits.PROMPTLY).until(() -> MetricScrape.value(admin, "serai_redis_up") == 0.0);
            }
            // Local fallback: 30 / serai.redis.fallback-replicas = 10 per replica.
            Map<Integer, Integer> one = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                one.merge(RawHttp.get(ports.get(0), "/fallback/z").status(), 1, Integer::sum);
            }
            assertEquals(Map.of(200, 10, 429, 10), one, "replica 1 alone admits limit / fallback-replicas");

            redis.start();
            for (int admin : admins) {
                Waits.upTo(Waits.PROMPTLY).until(() -> MetricScrape.value(admin, "serai_redis_up") == 1.0);
            }
        } finally {
            running.set(false);
            load.shutdown();
        }
        Map<Integer, Integer> all = new TreeMap<>();
        for (Future<Map<Integer, Integer>> worker : workers) {
            worker.get().forEach((status, n) -> all.merge(status, n, Integer::sum));
        }
        assertTrue(all.keySet().stream().allMatch(s -> s == 200 || s == 429), "no request failed: " + all);
        // Shared again: the restarted (empty) Redis holds one fresh allowance of 30 for all three.
        Map<Integer, Integer> shared = spread(60, "/fallback/z");
        int ok = shared.getOrDefault(200, 0);
        assertTrue(ok >= 29 && ok <= 32, "one shared allowance of 30 again: " + shared);
    }

    private static final String SHARED_HIT = "detail=shared";

    /** {@code n} GETs of {@code path}, 10 at a time, taking the replicas in turn: status → count. */
    private static Map<Integer, Integer> spread(int n, String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int port = ports.get(i % 3);
                answers.add(pool.submit(() -> status(port, path)));
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (Future<Integer> answer : answers) {
                statuses.merge(answer.get(), 1, Integer::sum);
            }
            return statuses;
        } finally {
            pool.shutdown();
        }
    }

    private static int status(int port, String path) {
        try {
            return RawHttp.get(port, path).status();
        } catch (IOException e) {
            return -1;
        }
    }
}
