package io.serai.caching;

import io.serai.shared.SharedRedis;
import io.serai.support.CacheOrigin;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas (two Serai instances, each with its own local cache and Redis connection) run
 * examples/shared-cache.camel.yaml on one real redis-server in front of one counting origin: what one
 * fetched the other answers from Redis, and what the local cache must not store never reaches Redis.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedCacheTierTest {

    /** A route with the local cache alone, next to the example's shared one. */
    private static final String LOCAL_ROUTE = """

            - route:
                id: local-only
                from:
                  uri: "netty-http:http://127.0.0.1:{{local.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:{{upstream.url}}"
            """;

    @TempDir
    static Path dir;

    static RedisServer redis;
    static CacheOrigin origin;
    static RunningSerai one;
    static RunningSerai two;
    static int adminOne;
    static int localOne;
    static final CountDownLatch slowOrigin = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(dir);
        origin = CacheOrigin.start();
        String routes = Files.readString(Path.of("examples/shared-cache.camel.yaml")) + LOCAL_ROUTE;
        adminOne = RunningSerai.freePort();
        localOne = RunningSerai.freePort();
        one = replica(routes, adminOne, localOne);
        two = replica(routes, RunningSerai.freePort(), RunningSerai.freePort());
        Waits.upTo(Waits.PROMPTLY).until(() -> ready(one) && ready(two));
    }

    /** Redis up and the tier's key generation known: before that the tier is skipped, writes included. */
    private static boolean ready(RunningSerai serai) {
        HttpCachePolicy policy = serai.context()
                .getRegistry()
                .lookupByNameAndType(HttpCachePolicy.SHARED_BEAN_NAME, HttpCachePolicy.class);
        return SharedRedis.lookup(serai.context()).available() && policy.tier().knowsGeneration();
    }

    private static RunningSerai replica(String routes, int admin, int local) throws Exception {
        return RunningSerai.routes(routes)
                .property("upstream.url", "http://" + origin.hostPort())
                .property("serai.redis.url", redis.url())
                .property("serai.cache.shared-max-object", "1KiB")
                // Three JVMs share two cores here: a call late by 50 ms would only make a replica skip Redis.
                .property("serai.redis.timeout", "500ms")
                .property("serai.admin.port", admin)
                .property("local.port", local)
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        slowOrigin.countDown();
        one.close();
        two.close();
        origin.close();
        redis.close();
    }

    @Test
    @Order(1)
    void aResponseOneReplicaFetchedIsASharedHitOnTheOtherWithItsAgeAndTtl() throws Exception {
        origin.on("/catalog", (r, n) -> ok("catalog " + n, "Cache-Control", "max-age=300", "Age", "100"));

        RawResponse fetched = RawHttp.get(one.port(), "/catalog");
        assertTrue(fetched.header("Cache-Status").contains("fwd=uri-miss; stored"), fetched.header("Cache-Status"));
        awaitWritten("/catalog");
        RawResponse shared = RawHttp.get(two.port(), "/catalog");

        assertEquals("catalog 1", shared.bodyText());
        assertEquals(1, origin.count("/catalog"), "the second replica did not go to the origin");
        assertTrue(shared.header("Cache-Status").startsWith("serai; hit; ttl="), shared.header("Cache-Status"));
        assertTrue(shared.header("Cache-Status").endsWith("detail=shared"), shared.header("Cache-Status"));
        long age = Long.parseLong(shared.header("Age"));
        assertTrue(age >= 100 && age <= 105, "the origin's Age plus the time since, on either replica: " + age);
        long pttl = Long.parseLong(redis.command("PTTL " + redisKey("/catalog")).substring(1));
        // 300 s of freshness, less the 100 it arrived with, plus the default 10 min of stale retention.
        assertTrue(pttl > 790_000 && pttl <= 800_000, "TTL = freshness left + stale retention: " + pttl);

        RawResponse local = RawHttp.get(two.port(), "/catalog");
        assertTrue(local.header("Cache-Status").startsWith("serai; hit"), local.header("Cache-Status"));
        assertTrue(
                !local.header("Cache-Status").contains("shared"), "now kept locally: " + local.header("Cache-Status"));
        assertEquals(
                1.0,
                MetricScrape.value(adminOne, "serai_cache_shared_total", "result=\"write\"", "route=\"shared-cache\""));
    }

    @Test
    @Order(2)
    void eachVariantOfAUrlIsSharedForTheRequestsThatMatchIt() throws Exception {
        origin.on(
                "/greeting",
                (r, n) -> ok(
                        "hello in " + r.header("Accept-Language"),
                        "Cache-Control",
                        "max-age=60",
                        "Vary",
                        "Accept-Language"));

        RawHttp.get(one.port(), "/greeting", "Accept-Language", "en");
        RawHttp.get(one.port(), "/greeting", "Accept-Language", "fr");
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> redis.command("HLEN " + redisKey("/greeting")).equals(":2"));

        RawResponse en = RawHttp.get(two.port(), "/greeting", "Accept-Language", "en");
        RawResponse fr = RawHttp.get(two.port(), "/greeting", "Accept-Language", "fr");
        RawResponse de = RawHttp.get(two.port(), "/greeting", "Accept-Language", "de");

        assertEquals("hello in en", en.bodyText());
        assertEquals("hello in fr", fr.bodyText());
        assertTrue(en.header("Cache-Status").contains("detail=shared"), en.header("Cache-Status"));
        // One read brought every variant of the URL: the second is already local.
        assertTrue(fr.header("Cache-Status").startsWith("serai; hit"), fr.header("Cache-Status"));
        assertEquals("hello in de", de.bodyText());
        assertTrue(de.header("Cache-Status").contains("fwd="), de.header("Cache-Status"));
        assertEquals(3, origin.count("/greeting"));
    }

    @Test
    @Order(3)
    void whatTheLocalCacheMustNotStoreOrIsTooLargeNeverReachesRedis() throws Exception {
        origin.on("/no-store", (r, n) -> ok("secret", "Cache-Control", "no-store"));
        origin.on("/private", (r, n) -> ok("mine", "Cache-Control", "private, max-age=60"));
        origin.on("/authorized", (r, n) -> ok("for you", "Cache-Control", "max-age=60"));
        origin.on("/big", (r, n) -> ok("x".repeat(2000), "Cache-Control", "max-age=60"));
        origin.on("/marker", (r, n) -> ok("m", "Cache-Control", "max-age=60"));
        origin.on("/per-session", (r, n) -> ok("yours", "Cache-Control", "public, max-age=60", "Vary", "Cookie"));

        RawHttp.get(one.port(), "/no-store");
        RawHttp.get(one.port(), "/private");
        RawHttp.get(one.port(), "/authorized", "Authorization", "Bearer abc");
        RawResponse big = RawHttp.get(one.port(), "/big");
        RawResponse perSession = RawHttp.get(one.port(), "/per-session", "Cookie", "session=s3cret");
        RawHttp.get(one.port(), "/marker");
        // Writes go out in order on one connection: once the last is there, any earlier one would be.
        awaitWritten("/marker");

        // A variant stored under a session cookie would put the cookie in Redis: kept locally only.
        assertTrue(perSession.header("Cache-Status").contains("stored"), perSession.header("Cache-Status"));
        assertEquals(1.0, MetricScrape.value(adminOne, "serai_cache_shared_total", "result=\"credential_vary\""));
        for (String path : List.of("/no-store", "/private", "/authorized", "/big", "/per-session")) {
            assertEquals(":0", redis.command("EXISTS " + redisKey(path)), path + " is not in Redis");
        }
        assertTrue(big.header("Cache-Status").contains("stored"), "kept locally: " + big.header("Cache-Status"));
        assertTrue(RawHttp.get(one.port(), "/big").header("Cache-Status").startsWith("serai; hit"));
        assertEquals(1.0, MetricScrape.value(adminOne, "serai_cache_shared_total", "result=\"too_large\""));
        RawResponse elsewhere = RawHttp.get(two.port(), "/big");
        assertTrue(elsewhere.header("Cache-Status").contains("fwd=uri-miss"), elsewhere.header("Cache-Status"));
    }

    @Test
    @Order(4)
    void concurrentMissesOnBothReplicasMakeOneRequestToTheOrigin() throws Exception {
        origin.on("/popular", (r, n) -> {
            try {
                // A slow backend (bounded): every client asks while the first fetch is under way.
                slowOrigin.await(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ok("popular " + n, "Cache-Control", "max-age=60");
        });
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<RawResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int port = i % 2 == 0 ? one.port() : two.port();
                answers.add(clients.submit(() -> RawHttp.get(port, "/popular")));
            }
            for (Future<RawResponse> answer : answers) {
                RawResponse response = answer.get(10, TimeUnit.SECONDS);
                assertEquals(200, response.status());
                assertEquals("popular 1", response.bodyText(), response.header("Cache-Status"));
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(1, origin.count("/popular"), "one replica fetched, the other waited for its answer");
    }

    @Test
    @Order(5)
    void aRouteWithTheLocalCacheAloneNeverTouchesRedis() throws Exception {
        origin.on("/local", (r, n) -> ok("local " + n, "Cache-Control", "max-age=60"));
        String keys = redis.command("DBSIZE");
        double calls = MetricScrape.value(adminOne, "serai_redis_calls_seconds_count");

        assertEquals("local 1", RawHttp.get(localOne, "/local").bodyText());
        assertEquals("local 1", RawHttp.get(localOne, "/local").bodyText());

        assertEquals(keys, redis.command("DBSIZE"));
        assertEquals(calls, MetricScrape.value(adminOne, "serai_redis_calls_seconds_count"));
    }

    @Test
    @Order(6)
    void anUnsafeMethodDropsTheSharedCopySoNoReplicaServesIt() throws Exception {
        origin.on(
                "/doc",
                (r, n) -> r.method().equals("POST") ? ok("posted") : ok("doc " + n, "Cache-Control", "max-age=60"));
        RawHttp.get(one.port(), "/doc");
        awaitWritten("/doc");

        RawResponse post =
                RawHttp.exchange(one.port(), "POST /doc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(200, post.status());
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> redis.command("EXISTS " + redisKey("/doc")).equals(":0"));
        assertEquals("doc 3", RawHttp.get(two.port(), "/doc").bodyText());
    }

    @Test
    @Order(10)
    void withRedisKilledBothReplicasKeepServingFromTheirLocalTierAndTheOrigin() throws Exception {
        origin.on("/during", (r, n) -> ok("during " + n, "Cache-Control", "max-age=60"));
        redis.kill();
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> !SharedRedis.lookup(one.context()).available()
                        && !SharedRedis.lookup(two.context()).available());

        assertEquals("catalog 1", RawHttp.get(one.port(), "/catalog").bodyText(), "the local tier still answers");
        assertEquals("during 1", RawHttp.get(one.port(), "/during").bodyText());
        assertEquals("during 1", RawHttp.get(one.port(), "/during").bodyText());
        RawResponse other = RawHttp.get(two.port(), "/during");
        assertEquals(200, other.status());
        assertEquals("during 2", other.bodyText(), "without Redis each replica fetches for itself");
        assertTrue(MetricScrape.value(adminOne, "serai_cache_shared_total", "result=\"skipped\"") >= 1);
    }

    private static void awaitWritten(String path) {
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> redis.command("EXISTS " + redisKey(path)).equals(":1"));
    }

    /** The Redis key of {@code path} on the example's route, as every replica computes it. */
    private static String redisKey(String path) throws java.io.IOException {
        // INCRBY 0 reads the generation as an integer reply (the test helper reads one reply line).
        String generation = redis.command("INCRBY serai:cache-generation 0").substring(1);
        return "serai:cache:" + generation + ":"
                + SharedRedis.hash(HttpCacheStore.key("shared-cache", "127.0.0.1", path));
    }
}
