package io.serai.caching;

import io.serai.shared.SharedRedis;
import io.serai.support.CacheOrigin;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Purges of the shared tier that no replica's local cache can point at: a prefix purge reaches entries
 * that only Redis holds (the replica that fetched them is gone), and a replica that lost its
 * subscription forgets its own copies without deleting what the others share.
 */
@Timeout(60)
class SharedTierPurgeTest {

    @TempDir
    Path dir;

    @Test
    void aPrefixPurgeReachesSharedEntriesNoReplicaHoldsAndAResyncKeepsTheSharedOnes() throws Exception {
        try (RedisServer redis = RedisServer.start(dir);
                CacheOrigin origin = CacheOrigin.start()) {
            origin.on("/docs/a", (r, n) -> ok("a " + n, "Cache-Control", "max-age=300"));
            origin.on("/other", (r, n) -> ok("other " + n, "Cache-Control", "max-age=300"));
            origin.on(
                    "/doc",
                    (r, n) ->
                            r.method().equals("POST") ? ok("posted") : ok("doc " + n, "Cache-Control", "max-age=300"));
            origin.on("/named", (r, n) -> ok("named " + n, "Cache-Control", "max-age=300"));
            String routes = Files.readString(Path.of("examples/shared-cache.camel.yaml"));
            try (RunningSerai gone = replica(routes, redis, origin)) {
                assertEquals("a 1", RawHttp.get(gone.port(), "/docs/a").bodyText());
                assertEquals("other 1", RawHttp.get(gone.port(), "/other").bodyText());
                assertEquals("doc 1", RawHttp.get(gone.port(), "/doc").bodyText());
                assertEquals("named 1", RawHttp.get(gone.port(), "/named").bodyText());
                Waits.upTo(Waits.PROMPTLY).until(() -> !redis.command("DBSIZE").equals(":0"));
            }
            int admin = RunningSerai.freePort();
            try (RunningSerai left = replica(routes, redis, origin, admin)) {
                // Named URLs that only Redis holds: an unsafe method and a purge of one URL reach them too,
                // and a GET right after finds nothing there.
                RawResponse post = RawHttp.exchange(
                        left.port(), "POST /doc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx");
                assertEquals(200, post.status());
                assertEquals("doc 3", RawHttp.get(left.port(), "/doc").bodyText(), "not the shared copy");
                RawResponse named = RawHttp.exchange(
                        admin, "DELETE /cache?url=http://127.0.0.1/named HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, named.status(), named.bodyText());
                assertEquals("named 2", RawHttp.get(left.port(), "/named").bodyText(), "not the shared copy");

                RawResponse purge = RawHttp.exchange(
                        admin, "DELETE /cache?prefix=http://127.0.0.1/docs/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, purge.status(), purge.bodyText());
                RawResponse after = RawHttp.get(left.port(), "/docs/a");
                assertEquals("a 2", after.bodyText(), "right after the purge: from the origin, not from Redis");
                assertEquals(2, origin.count("/docs/a"));

                // A lost subscription: this replica drops its own copies, the shared ones stay in Redis.
                String keys = redis.command("DBSIZE");
                redis.command("CLIENT KILL TYPE pubsub");
                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> SharedRedis.lookup(left.context())
                                        .view()
                                        .get("subscribed")
                                        .equals(Boolean.TRUE)
                                && localEntries(left) == 0);
                assertEquals(keys, redis.command("DBSIZE"), "a resync deletes nothing in Redis");
                // Once it knows the generation again (it skips the tier until then), the shared copy answers.
                HttpCachePolicy policy = left.context()
                        .getRegistry()
                        .lookupByNameAndType(HttpCachePolicy.SHARED_BEAN_NAME, HttpCachePolicy.class);
                Waits.upTo(Waits.PROMPTLY).until(() -> policy.tier().knowsGeneration());
                RawResponse shared = RawHttp.get(left.port(), "/docs/a");
                assertTrue(shared.header("Cache-Status").contains("detail=shared"), shared.header("Cache-Status"));
                assertEquals(2, origin.count("/docs/a"));
            }
        }
    }

    private static long localEntries(RunningSerai serai) {
        com.github.benmanes.caffeine.cache.Cache<?, ?> cache = serai.context()
                .getRegistry()
                .lookupByNameAndType(HttpCacheStore.REGISTRY_NAME, com.github.benmanes.caffeine.cache.Cache.class);
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private static RunningSerai replica(String routes, RedisServer redis, CacheOrigin origin) throws Exception {
        return replica(routes, redis, origin, RunningSerai.freePort());
    }

    private static RunningSerai replica(String routes, RedisServer redis, CacheOrigin origin, int admin)
            throws Exception {
        RunningSerai serai = RunningSerai.routes(routes)
                .property("upstream.url", "http://" + origin.hostPort())
                .property("serai.redis.url", redis.url())
                .property("serai.redis.timeout", "500ms")
                .property("serai.admin.port", admin)
                .start(Path.of(System.getProperty("java.io.tmpdir")));
        // The tier is skipped until it knows its key generation (asked at start and again when the
        // subscription comes up): writes made before then would never reach Redis.
        HttpCachePolicy policy = serai.context()
                .getRegistry()
                .lookupByNameAndType(HttpCachePolicy.SHARED_BEAN_NAME, HttpCachePolicy.class);
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> SharedRedis.lookup(serai.context()).available()
                        && policy.tier().knowsGeneration());
        return serai;
    }
}
