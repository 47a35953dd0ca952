package io.serai.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serai's one Redis connection against a real redis-server that is killed and started again. */
class SharedRedisTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static RedisServer redis;
    static TestBackend backend;
    static RunningSerai serai;
    static int admin;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(dir);
        backend = TestBackend.start("b1");
        admin = RunningSerai.freePort();
        serai = RunningSerai.proxyTo(backend)
                .property("serai.admin.port", admin)
                .property("serai.redis.url", redis.url())
                .start(dir);
        Waits.upTo(Waits.PROMPTLY).until(() -> shared().available());
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
        redis.close();
    }

    static SharedRedis shared() {
        return SharedRedis.lookup(serai.context());
    }

    @Test
    void aCallAnswersAndCrashesOfRedisAreSeenSkippedAndRecoveredFrom() throws Exception {
        byte[] key = shared().key("test:k");
        // A call may time out (50 ms) when this machine is busy: that is the setting working, so the first
        // answer is awaited rather than required of the first call.
        Waits.upTo(Waits.PROMPTLY)
                .ignoreExceptions()
                .until(() -> "OK"
                        .equals(shared().call(c -> c.set(key, "v".getBytes(StandardCharsets.UTF_8)))
                                .get(2, TimeUnit.SECONDS)));
        Waits.upTo(Waits.PROMPTLY)
                .ignoreExceptions()
                .until(() -> "v"
                        .equals(new String(
                                shared().call(c -> c.get(key)).get(2, TimeUnit.SECONDS), StandardCharsets.UTF_8)));
        assertEquals(":1", redis.command("EXISTS serai:test:k"), "the key carries the prefix");
        assertEquals("up", redisView().get("state").asText());
        assertEquals(1.0, MetricScrape.value(admin, "serai_redis_up"));
        JsonNode routes = JSON.readTree(RawHttp.get(admin, "/routes").bodyText());
        assertEquals("up", routes.get("redis").get("state").asText(), "the status page's source shows Redis");
        assertEquals(redis.url(), routes.get("redis").get("url").asText());
        double resyncs = MetricScrape.value(admin, "serai_redis_resyncs_total");

        redis.kill();
        Waits.upTo(Waits.PROMPTLY).until(() -> !shared().available());
        assertEquals("down", redisView().get("state").asText());
        assertEquals(0.0, MetricScrape.value(admin, "serai_redis_up"));
        long before = System.nanoTime();
        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                CompletionException.class, () -> shared().call(c -> c.get(key)).join());
        assertTrue(refused.getCause() instanceof RedisUnavailableException, refused.toString());
        assertTrue(System.nanoTime() - before < Duration.ofMillis(50).toNanos(), "refused at once, not after a wait");
        assertEquals(200, RawHttp.get(serai.port(), "/x").status(), "traffic does not need Redis");

        redis.start();
        Waits.upTo(Waits.PROMPTLY)
                .until(() ->
                        shared().available() && redisView().get("subscribed").asBoolean());
        Waits.upTo(Waits.PROMPTLY).until(() -> MetricScrape.value(admin, "serai_redis_resyncs_total") > resyncs);
        assertFalse(redisView().has("lastError")
                && redisView().get("state").asText().equals("down"));
        assertTrue(MetricScrape.value(admin, "serai_redis_reconnects_total") >= 1);
    }

    @Test
    void aRedisSlowerThanTheTimeOutCostsACallAtMostTheTimeOutAndThenTheBreakerSkipsIt() throws Exception {
        Waits.upTo(Waits.PROMPTLY).until(() -> shared().available());
        byte[] key = shared().key("test:slow");
        // DEBUG SLEEP blocks Redis' one thread for 2 s, as a Redis stuck on a slow command would.
        // A thread of its own: the common pool may be busy with Caffeine's and Lettuce's work.
        java.util.concurrent.ExecutorService sleeper = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<String> sleeping = sleeper.submit(() -> redis.command("DEBUG SLEEP 2"));
        sleeper.shutdown();

        Waits.upTo(Waits.PROMPTLY)
                .until(() -> MetricScrape.value(admin, "serai_redis_calls_seconds_count", "outcome=\"timeout\"") > 0
                        || failsWithin(key, 1000));
        int timedOut = 0;
        int refusedAtOnce = 0;
        for (int i = 0; i < 20 && refusedAtOnce == 0; i++) {
            long start = System.nanoTime();
            Throwable failure =
                    shared().call(c -> c.get(key)).handle((v, e) -> e).join();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(failure != null, "Redis is asleep: no answer");
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof RedisUnavailableException) {
                refusedAtOnce++;
                assertTrue(tookMs < 20, "the open breaker refuses at once, took " + tookMs + " ms");
            } else {
                timedOut++;
                assertTrue(tookMs < 400, "a call ends near the 50 ms time-out, took " + tookMs + " ms");
            }
        }
        assertTrue(timedOut >= 1 && refusedAtOnce == 1, timedOut + " timed out, then the breaker opened");
        assertEquals("breaker-open", redisView().get("state").asText());
        assertEquals("+OK", sleeping.get(10, TimeUnit.SECONDS));
        Waits.upTo(Waits.PROMPTLY).until(() -> {
            shared().call(c -> c.get(key)).handle((v, e) -> e);
            return shared().available() && "up".equals(redisView().get("state").asText());
        });
    }

    private static boolean failsWithin(byte[] key, long ms) {
        return shared().call(c -> c.get(key)).handle((v, e) -> e != null).join();
    }

    @Test
    void aMessagePublishedReachesTheSubscribersOfItsChannel() throws Exception {
        java.util.concurrent.CompletableFuture<String> got = new java.util.concurrent.CompletableFuture<>();
        shared().subscribe("test-channel", m -> got.complete(new String(m, StandardCharsets.UTF_8)));
        Waits.upTo(Waits.PROMPTLY).until(() -> {
            shared().publish("test-channel", "hello".getBytes(StandardCharsets.UTF_8))
                    .get(1, TimeUnit.SECONDS);
            return got.isDone();
        });
        assertEquals("hello", got.get());
    }

    private static JsonNode redisView() throws Exception {
        return JSON.readTree(RawHttp.get(admin, "/health/backends").bodyText()).get("redis");
    }
}
