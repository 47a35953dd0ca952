package io.serai.caching;

import io.serai.support.CacheOrigin;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache stays within serai.cache.max-size: 160 MiB of cacheable 1 MiB responses go through a
 * Serai whose heap is 128 MiB and whose cache holds 24 MiB. Every request is answered, old entries
 * are evicted, recent ones are hits, and the JVM never runs out of heap.
 */
@Timeout(120)
class CacheMemoryBoundIT {

    private static final int OBJECTS = 160;
    private static final String MIB = "m".repeat(1024 * 1024);

    @TempDir
    Path tmp;

    @Test
    void fillingTheCachePastItsLimitEvictsAndStaysWithinTheHeap() throws Exception {
        try (CacheOrigin origin = CacheOrigin.start()) {
            origin.on("/ready", (r, n) -> ok("ready"));
            for (int i = 0; i < OBJECTS; i++) {
                origin.on("/object/" + i, (r, n) -> ok(MIB, "Cache-Control", "max-age=600"));
            }
            int port = RunningSerai.freePort();
            SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/caching.camel.yaml")
                    .jvmOption("-Xmx128m")
                    .property("serai.port", port)
                    .property("serai.cache.max-size", "24MiB")
                    .property("serai.cache.max-object", "2MiB")
                    .property("upstream.url", "http://" + origin.hostPort())
                    .start(tmp);
            try {
                serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(20));
                for (int i = 0; i < OBJECTS; i++) {
                    RawResponse r = get(port, "/object/" + i);
                    assertEquals(200, r.status());
                    assertEquals(MIB.length(), r.body().length);
                }
                // only-if-cached looks without storing anything: 200 when stored, 504 when not.
                int stored = 0;
                for (int i = 0; i < OBJECTS; i++) {
                    if (get(port, "/object/" + i, "Cache-Control: only-if-cached\r\n")
                                    .status()
                            == 200) {
                        stored++;
                    }
                }
                assertTrue(stored > 0, "recent objects are still stored");
                assertTrue(stored <= 24, "at most 24 MiB of 1 MiB objects fit, but " + stored + " are stored");
                assertEquals(
                        504,
                        get(port, "/object/0", "Cache-Control: only-if-cached\r\n")
                                .status(),
                        "the oldest was evicted");
                assertEquals(OBJECTS + 1, origin.count("/ready") + countObjects(origin));
                assertTrue(serai.isAlive());
                assertFalse(serai.output().contains("OutOfMemoryError"), serai.output());
            } finally {
                serai.close();
            }
        }
    }

    private static RawResponse get(int port, String path) throws Exception {
        return get(port, path, "");
    }

    private static RawResponse get(int port, String path, String fields) throws Exception {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + fields + "\r\n");
    }

    private static int countObjects(CacheOrigin origin) {
        int n = 0;
        for (int i = 0; i < OBJECTS; i++) {
            n += origin.count("/object/" + i);
        }
        return n;
    }
}
