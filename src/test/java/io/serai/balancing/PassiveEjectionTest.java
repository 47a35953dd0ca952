package io.serai.balancing;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Traffic;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Envoy-style outlier ejection without active checks, and the 503 when no member is left. */
class PassiveEjectionTest {

    private static final String ROUTE = """
            - route:
                id: rr
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            """;

    @TempDir
    Path tmp;

    @Test
    void aMemberAnswering5xxIsEjectedAndReturnsAfterItsEjectionTime() throws Exception {
        try (TestBackend b1 = TestBackend.start("b1");
                TestBackend b2 = TestBackend.start("b2")) {
            b1.respondWith(Behaviours.status(500, Map.of("X-Backend", "b1"), "broken"));
            b2.respondWith(Behaviours.status(200, Map.of("X-Backend", "b2"), "ok"));
            try (RunningSerai serai = RunningSerai.routes(ROUTE)
                    .property("backend.1", b1.url())
                    .property("backend.2", b2.url())
                    .property("serai.health.passive.consecutive-failures", "3")
                    .property("serai.health.passive.ejection-time", "1s")
                    .start(tmp)) {
                Map<String, Integer> tally = Traffic.sequential(serai.port(), 30);
                assertEquals(Map.of("status:500", 3, "b2", 27), tally, "b1 is out after 3 failures in a row");

                b1.respondWith(Behaviours.status(200, Map.of("X-Backend", "b1"), "ok"));
                // b1 is back once its ejection time (1 s) is over
                Waits.forTally(
                        Map.of("b1", 5, "b2", 5), Duration.ofSeconds(5), () -> Traffic.sequential(serai.port(), 10));
            }
        }
    }

    @Test
    void whenEveryMemberIsDownTheRouteAnswers503AtOnce() throws Exception {
        String dead1 = TestBackend.refusingUrl();
        String dead2 = TestBackend.refusingUrl();
        try (RunningSerai serai = RunningSerai.routes(ROUTE)
                .property("backend.1", dead1)
                .property("backend.2", dead2)
                .property("serai.health.passive.consecutive-failures", "1")
                .property("serai.health.passive.ejection-time", "20s")
                .start(tmp)) {
            // The first request tries both members (neither could be connected), and each is ejected.
            assertEquals(502, get(serai).status());
            long start = System.nanoTime();
            RawResponse r = get(serai);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, r.status(), r.bodyText());
            assertTrue(r.bodyText().contains("no backend available: all 2 members are down or ejected"), r.bodyText());
            assertNotNull(r.header("Retry-After"));
            assertTrue(Integer.parseInt(r.header("Retry-After")) > 1, r.header("Retry-After"));
            assertTrue(millis < 500, "answered in " + millis + " ms");
        }
    }

    private static RawResponse get(RunningSerai serai) throws Exception {
        return RawHttp.exchange(serai.port(), "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    }
}
