package io.serai.examples;

import io.serai.support.CacheOrigin;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/replicas.camel.yaml as its Run lines start it: two Serai processes on one redis-server, each
 * with its own cache; a purge on one replica's admin port is applied by the other within a second.
 */
@Timeout(120)
class ReplicasExampleIT {

    @Test
    void aPurgeOnOneReplicaReachesTheOther(@TempDir Path tmp) throws Exception {
        try (RedisServer redis = RedisServer.start(tmp);
                CacheOrigin origin = CacheOrigin.start()) {
            origin.on("/cart", (r, n) -> CacheOrigin.ok("cart " + n, "Cache-Control", "max-age=600"));
            int[] ports = RunningSerai.freePorts(4);
            try (SeraiProcess one = replica(tmp, redis, origin, ports[0], ports[1]);
                    SeraiProcess two = replica(tmp, redis, origin, ports[2], ports[3])) {
                for (int i = 0; i < 2; i++) {
                    int admin = ports[i * 2 + 1];
                    (i == 0 ? one : two).awaitAnswer(Waits.STARTUP, () -> MetricScrape.value(admin, "serai_redis_up"));
                    Waits.upTo(Waits.PROMPTLY).until(() -> MetricScrape.value(admin, "serai_redis_up") == 1.0);
                }
                assertEquals("cart 1", RawHttp.get(ports[0], "/cart").bodyText());
                assertEquals("cart 2", RawHttp.get(ports[2], "/cart").bodyText(), "each replica has its own cache");
                assertTrue(RawHttp.get(ports[2], "/cart").header("Cache-Status").contains("hit"));

                RawResponse purge = RawHttp.exchange(
                        ports[1], "DELETE /cache?url=http://127.0.0.1/cart HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, purge.status(), purge.bodyText());
                assertTrue(purge.bodyText().contains("\"replicas\":\"sent\""), purge.bodyText());
                long purged = System.nanoTime();
                Waits.upTo(Duration.ofSeconds(2))
                        .until(() -> !RawHttp.get(ports[2], "/cart").bodyText().equals("cart 2"));
                long tookMs = (System.nanoTime() - purged) / 1_000_000;
                assertTrue(tookMs < 1000, "the other replica served the purged answer for " + tookMs + " ms");
            }
        }
    }

    private static SeraiProcess replica(Path tmp, RedisServer redis, CacheOrigin origin, int port, int admin)
            throws Exception {
        return SeraiProcess.builder()
                .asTheReadmeStartsIt()
                .env("SERAI_ROUTES", "examples/replicas.camel.yaml")
                .property("serai.redis.url", redis.url())
                .property("upstream.url", "http://" + origin.hostPort())
                .property("serai.port", port)
                .property("serai.admin.port", admin)
                .start(tmp);
    }
}
