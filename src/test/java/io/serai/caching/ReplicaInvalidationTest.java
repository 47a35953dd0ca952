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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.serai.support.CacheOrigin.answer;
import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas (two Serai instances, each with its own cache) on one real redis-server, started from
 * examples/replicas.camel.yaml in front of one counting origin: an invalidation seen by replica 1 (a purge
 * on its admin port, an unsafe method through it) makes replica 2 go to the origin again within a second;
 * when Redis goes away the purge says so, and replica 2 drops its cache when it is back.
 */
@Timeout(60)
class ReplicaInvalidationTest {

    private static final String HOST = "shop.example";
    private static final Duration WITHIN = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    static RedisServer redis;
    static CacheOrigin origin;
    static Replica one;
    static Replica two;

    /** One Serai of the two, with its admin port. */
    record Replica(RunningSerai serai, int admin) {

        static Replica start(Path dir, String url) throws Exception {
            int admin = RunningSerai.freePort();
            RunningSerai serai = RunningSerai.routes(Files.readString(Path.of("examples/replicas.camel.yaml")))
                    .property("upstream.url", url)
                    .property("serai.admin.port", admin)
                    .property("serai.redis.url", redis.url())
                    // Late calls on a busy machine are covered by SharedRedisTest; here they would only blur.
                    .property("serai.redis.timeout", "500ms")
                    .start(dir);
            return new Replica(serai, admin);
        }

        RawResponse send(String method, String path) throws IOException {
            String body = method.equals("GET") ? "" : "Content-Length: 0\r\n";
            return RawHttp.exchange(
                    serai.port(), method + " " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n" + body + "\r\n");
        }

        RawResponse get(String path) throws IOException {
            return send("GET", path);
        }

        RawResponse purge(String query) throws IOException {
            return RawHttp.exchange(admin, "DELETE /cache?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }

        double metric(String name, String... labels) throws IOException {
            return MetricScrape.value(admin, name, labels);
        }

        SharedRedis redis() {
            return SharedRedis.lookup(serai.context());
        }

        /** Connected, subscribed and resynced at least {@code times} (the first subscription is one). */
        void awaitShared(double times) {
            Waits.upTo(Waits.PROMPTLY)
                    .until(() -> redis().available()
                            && Boolean.TRUE.equals(redis().view().get("subscribed"))
                            && metric("serai_cache_resync_drops_total") >= times);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start(dir);
        origin = CacheOrigin.start();
        String url = "http://" + origin.hostPort();
        one = Replica.start(dir, url);
        two = Replica.start(dir, url);
        one.awaitShared(1);
        two.awaitShared(1);
    }

    @AfterAll
    static void stop() throws IOException {
        for (Replica replica : new Replica[] {one, two}) {
            if (replica != null) {
                replica.serai().close();
            }
        }
        if (origin != null) {
            origin.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aUrlPurgeOnOneReplicaMakesTheOtherGoToTheOriginWithinASecond() throws IOException {
        cachedOnBoth("/url/a", "/url/b");

        RawResponse purged = one.purge("url=http://" + HOST + "/url/a");

        assertEquals("{\"purged\":1,\"replicas\":\"sent\"}", purged.bodyText().trim());
        missesWithinASecond("/url/a", 3);
        assertHit(two.get("/url/b"), "another URL stays");
    }

    @Test
    void aPrefixPurgeReachesTheOtherReplica() throws IOException {
        cachedOnBoth("/pre/x/1", "/pre/x/2", "/pre/y");

        assertEquals(
                "{\"purged\":2,\"replicas\":\"sent\"}",
                one.purge("prefix=http://" + HOST + "/pre/x/").bodyText().trim());

        missesWithinASecond("/pre/x/1", 3);
        missesWithinASecond("/pre/x/2", 3);
        assertHit(two.get("/pre/y"), "outside the prefix");
    }

    @Test
    void aTagPurgeReachesTheOtherReplica() throws IOException {
        origin.on(
                "/tag/red", (request, nth) -> ok("red " + nth, "Cache-Control", "max-age=60", "Surrogate-Key", "red"));
        origin.on("/tag/blue", (request, nth) -> ok("blue " + nth, "Cache-Control", "max-age=60", "Cache-Tag", "blue"));
        filledOnBoth("/tag/red", "/tag/blue");

        assertEquals(
                "{\"purged\":1,\"replicas\":\"sent\"}",
                one.purge("tag=red").bodyText().trim());

        missesWithinASecond("/tag/red", 3);
        assertHit(two.get("/tag/blue"), "not tagged red");
    }

    @Test
    void aPurgeOfEverythingReachesTheOtherReplica() throws IOException {
        cachedOnBoth("/all/a");

        assertTrue(one.purge("").bodyText().contains("\"replicas\":\"sent\""));

        missesWithinASecond("/all/a", 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE"})
    void anUnsafeMethodThroughOneReplicaInvalidatesItsUrlAndLocationOnTheOther(String method) throws IOException {
        String path = "/m/" + method;
        origin.on(
                path,
                (request, nth) -> request.method().equals("GET")
                        ? ok(path + " " + nth, "Cache-Control", "max-age=60")
                        : answer(200, "done", "Location", path + "/next"));
        origin.on(path + "/next", (request, nth) -> ok("next " + nth, "Cache-Control", "max-age=60"));
        filledOnBoth(path, path + "/next");

        assertEquals(200, one.send(method, path).status());

        missesWithinASecond(path, 4);
        missesWithinASecond(path + "/next", 3);
    }

    @Test
    void eachReplicaAppliesAnotherReplicasMessageOnceAndIgnoresItsOwn() throws IOException {
        cachedOnBoth("/own/a");
        double sent = one.metric("serai_cache_invalidations_published_total", "outcome=\"sent\"");
        double ownOnOne = received(one, "own");
        double appliedOnOne = received(one, "applied");
        double ownOnTwo = received(two, "own");
        double appliedOnTwo = received(two, "applied");

        one.purge("url=http://" + HOST + "/own/a");

        Waits.upTo(Waits.PROMPTLY)
                .until(() -> received(one, "own") == ownOnOne + 1 && received(two, "applied") == appliedOnTwo + 1);
        assertEquals(sent + 1, one.metric("serai_cache_invalidations_published_total", "outcome=\"sent\""));
        assertEquals(appliedOnOne, received(one, "applied"), "replica 1 does not apply its own message again");
        assertEquals(ownOnTwo, received(two, "own"));
        assertEquals(0.0, received(two, "malformed"));
        one.get("/own/a");
        assertEquals(3, origin.count("/own/a"), "replica 1 purged it itself");
    }

    @Test
    void aMessageInTheDocumentedFormIsAppliedAndOneNotUnderstoodIsCountedAndDropsNothing() throws IOException {
        cachedOnBoth("/wire/a", "/wire/b");
        double malformed = received(two, "malformed");
        double applied = received(two, "applied");

        assertEquals(":2", redis.command("PUBLISH serai:cache-invalidations 'not json'"), "both replicas listen");
        Waits.upTo(Waits.PROMPTLY).until(() -> received(two, "malformed") == malformed + 1);
        assertHit(two.get("/wire/a"), "nothing dropped");

        redis.command("PUBLISH serai:cache-invalidations '{\"replica\":\"a-script\",\"kind\":\"url\","
                + "\"route\":\"replicas\",\"host\":\"" + HOST + "\",\"values\":[\"/wire/a\"]}'");
        Waits.upTo(Waits.PROMPTLY).until(() -> received(two, "applied") == applied + 1);
        two.get("/wire/a");
        assertEquals(3, origin.count("/wire/a"), "dropped on its route");
        assertHit(two.get("/wire/b"), "only the URL named");
    }

    @Test
    void whenRedisIsGoneThePurgeSaysSoAndTheOtherReplicaDropsItsCacheWhenRedisIsBack() throws Exception {
        cachedOnBoth("/down/a");
        double failed = one.metric("serai_cache_invalidations_published_total", "outcome=\"failed\"");
        double dropsOnOne = one.metric("serai_cache_resync_drops_total");
        double drops = two.metric("serai_cache_resync_drops_total");

        redis.kill();
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> !one.redis().available() && !two.redis().available());
        RawResponse purged = one.purge("url=http://" + HOST + "/down/a");

        assertEquals(
                "{\"purged\":1,\"replicas\":\"not reached: Redis unavailable\"}",
                purged.bodyText().trim());
        assertEquals(failed + 1, one.metric("serai_cache_invalidations_published_total", "outcome=\"failed\""));
        assertHit(two.get("/down/a"), "replica 2 did not hear of it while Redis was away");
        assertEquals(200, one.send("POST", "/down/a").status(), "an invalidating request does not need Redis");

        redis.start();
        one.awaitShared(dropsOnOne + 1);
        two.awaitShared(drops + 1);

        RawResponse after = two.get("/down/a");
        assertEquals(4, origin.count("/down/a"), "2 fills, replica 1's POST, replica 2's miss after its resync");
        assertTrue(after.header("Cache-Status").contains("fwd="), after.header("Cache-Status"));
    }

    /** Each path answered fresh for a minute by the origin, and stored by both replicas. */
    private static void cachedOnBoth(String... paths) throws IOException {
        for (String path : paths) {
            origin.on(path, (request, nth) -> ok(path + " " + nth, "Cache-Control", "max-age=60"));
        }
        filledOnBoth(paths);
    }

    /** Both replicas fill from the origin (2 requests each path), then hit. */
    private static void filledOnBoth(String... paths) throws IOException {
        for (String path : paths) {
            one.get(path);
            two.get(path);
            assertHit(one.get(path), path + " on replica 1");
            assertHit(two.get(path), path + " on replica 2");
            assertEquals(2, origin.count(path), path);
        }
    }

    /** Replica 2's next request of {@code path} reaches the origin (its {@code nth}) within a second. */
    private static void missesWithinASecond(String path, int nth) {
        long start = System.nanoTime();
        Waits.upTo(Waits.PROMPTLY).until(() -> {
            two.get(path);
            return origin.count(path) >= nth;
        });
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(nth, origin.count(path), path);
        assertTrue(took.compareTo(WITHIN) < 0, path + " missed on replica 2 after " + took.toMillis() + " ms");
    }

    private static void assertHit(RawResponse response, String why) {
        assertEquals(200, response.status(), why);
        String status = response.header("Cache-Status");
        assertTrue(status != null && status.startsWith("serai; hit"), why + ": " + status);
    }

    private static double received(Replica replica, String outcome) throws IOException {
        return replica.metric("serai_cache_invalidations_received_total", "outcome=\"" + outcome + "\"");
    }
}
