package io.serai.resilience;

import io.serai.shared.SharedRedis;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/shared-rate-limit.camel.yaml (10 a minute per X-Api-Key, scope: cluster) loaded as a user
 * loads it by replicas in one JVM on one real redis-server: one allowance for all of them, buckets
 * named by a hash, the local fallback while Redis is gone (503 for a replica that fails closed).
 */
@Timeout(60)
class ClusterRateLimitTest {

    @TempDir
    static Path dir;

    static RedisServer redis;
    static TestBackend backend;
    static RunningSerai one;
    static RunningSerai two;
    static RunningSerai closed;
    static int oneAdmin;
    static int closedAdmin;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(dir);
        backend = TestBackend.start("limited");
        String example = Files.readString(Path.of("examples/shared-rate-limit.camel.yaml"));
        oneAdmin = RunningSerai.freePort();
        closedAdmin = RunningSerai.freePort();
        one = replica(example, oneAdmin, "open");
        two = replica(example, RunningSerai.freePort(), "open");
        closed = replica(example, closedAdmin, "closed");
        awaitShared();
    }

    private static RunningSerai replica(String routes, int admin, String onFailure) throws Exception {
        return RunningSerai.routes(routes)
                .property("backend.1", backend.url())
                .property("serai.admin.port", admin)
                .property("serai.redis.url", redis.url())
                .property("serai.redis.fallback-replicas", 2)
                .property("serai.redis.rate-limit-on-failure", onFailure)
                // A busy CI machine can make a call late by 50 ms, which sends it to the local fallback and
                // blurs the exact counts here; SharedRedisTest covers the 50 ms time-out itself.
                .property("serai.redis.timeout", "500ms")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {one, two, closed, backend, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void thirtyRequestsOverTwoReplicasAdmitTheSharedTenAndCountDownAcrossThem() throws IOException {
        // The first take after Redis starts sends the script itself (EVALSHA, NOSCRIPT, EVAL): not counted.
        assertEquals(200, get(one, "warm-up").status());
        double callsBefore = MetricScrape.value(oneAdmin, "serai_redis_calls_seconds_count");
        List<RawResponse> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(get(i % 2 == 0 ? one : two, "spread"));
        }
        List<Integer> statuses = answers.stream().map(RawResponse::status).toList();
        assertEquals(10, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(20, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        for (int i = 0; i < 10; i++) {
            assertEquals(200, answers.get(i).status(), statuses.toString());
            assertEquals("10", answers.get(i).header("RateLimit-Limit"));
            assertEquals(String.valueOf(9 - i), answers.get(i).header("RateLimit-Remaining"), "request " + i);
        }
        RawResponse refused = answers.get(29);
        assertEquals("0", refused.header("RateLimit-Remaining"));
        int reset = Integer.parseInt(refused.header("RateLimit-Reset"));
        assertTrue(reset > 50 && reset <= 60, "about a minute until 10 are back: " + reset);
        assertTrue(Integer.parseInt(refused.header("Retry-After")) <= 6, refused.header("Retry-After"));
        assertTrue(refused.bodyText().startsWith("429 Too Many Requests: more than 10 requests per 60 seconds"));
        assertEquals(
                15,
                MetricScrape.value(oneAdmin, "serai_redis_calls_seconds_count") - callsBefore,
                "one Redis call per request; by outcome: "
                        + RawHttp.exchange(oneAdmin, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
                                .bodyText()
                                .lines()
                                .filter(l -> l.startsWith("serai_redis_calls_seconds_count"))
                                .toList());
    }

    @Test
    void theBucketsInRedisAreNamedByAHashOfTheKeyNeverByItsValue() throws Exception {
        assertEquals(200, get(one, "secret-api-key-42").status());
        List<String> keys =
                shared(one)
                        .call(c -> c.keys("serai:rl:*".getBytes(StandardCharsets.UTF_8)))
                        .get(2, TimeUnit.SECONDS)
                        .stream()
                        .map(k -> new String(k, StandardCharsets.UTF_8))
                        .toList();
        assertTrue(keys.contains("serai:rl:shared-limit:" + sha256("secret-api-key-42")), keys.toString());
        for (String key : keys) {
            assertTrue(key.matches("serai:rl:shared-limit:[0-9a-f]{64}"), key);
        }
        assertTrue(keys.stream().noneMatch(k -> k.contains("secret") || k.contains("127.0.0.1")));
    }

    @Test
    void whileRedisIsGoneRequestsFlowOnTheLocalShareAndTheSharedCountResumesWhenItReturns() throws Exception {
        redis.kill();
        try {
            Waits.upTo(Waits.PROMPTLY)
                    .until(() -> !shared(one).available() && !shared(closed).available());
            List<Integer> statuses = new ArrayList<>();
            RawResponse first = null;
            for (int i = 0; i < 8; i++) {
                RawResponse r = get(one, "during-outage");
                first = first == null ? r : first;
                statuses.add(r.status());
            }
            assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429), statuses, "10 / 2 replicas = 5 here");
            assertEquals("5", first.header("RateLimit-Limit"));
            assertEquals("4", first.header("RateLimit-Remaining"));
            assertTrue(MetricScrape.value(
                            oneAdmin, "serai_rate_limit_fallbacks_total", "route=\"shared-limit\"", "mode=\"open\"")
                    >= 8);

            RawResponse unavailable = get(closed, "during-outage");
            assertEquals(503, unavailable.status());
            assertEquals("1", unavailable.header("Retry-After"));
            assertTrue(unavailable.bodyText().contains("shared rate limit"), unavailable.bodyText());
            assertEquals(1.0, MetricScrape.value(closedAdmin, "serai_rate_limit_fallbacks_total", "mode=\"closed\""));
        } finally {
            redis.start();
        }
        awaitShared();
        RawResponse back = get(one, "during-outage");
        assertEquals(200, back.status());
        assertEquals("10", back.header("RateLimit-Limit"), "the shared bucket again");
        assertEquals("9", back.header("RateLimit-Remaining"), "a restarted Redis starts every bucket full");
        assertEquals("8", get(two, "during-outage").header("RateLimit-Remaining"));
    }

    @Test
    void aClusterLimitWithoutRedisIsRefusedAtStart() {
        String messages = StartFailure.messages("""
                - beans:
                    - name: everywhere
                      type: "#class:io.serai.resilience.RateLimitPolicy"
                      properties: {scope: cluster, limit: 5}
                - route:
                    id: no-redis
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - policy:
                            ref: everywhere
                            steps:
                              - to: "netty-http:http://127.0.0.1:9"
                """, dir);
        assertTrue(
                messages.contains("route no-redis: a rate limit with scope: cluster needs serai.redis.url"), messages);
    }

    private static void awaitShared() {
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> shared(one).available()
                        && shared(two).available()
                        && shared(closed).available());
    }

    private static SharedRedis shared(RunningSerai serai) {
        return SharedRedis.lookup(serai.context());
    }

    private static RawResponse get(RunningSerai serai, String apiKey) throws IOException {
        return RawHttp.exchange(serai.port(), "GET /limited HTTP/1.1\r\nHost: a\r\nX-Api-Key: " + apiKey + "\r\n\r\n");
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
