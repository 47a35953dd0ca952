package io.serai.balancing;

import io.serai.support.Behaviours;
import io.serai.support.LogCapture;
import io.serai.support.MetricScrape;
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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    private static final String THREE = """
            - route:
                id: rr3
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
                          - to: "netty-http:{{backend.3}}"
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
    void aRouteWideBurstOf5xxEjectsAtMostTheCapAndTheRouteKeepsSendingToTheRest() throws Exception {
        try (TestBackend b1 = TestBackend.start("b1");
                TestBackend b2 = TestBackend.start("b2");
                TestBackend b3 = TestBackend.start("b3");
                LogCapture log = LogCapture.start()) {
            List<TestBackend> all = List.of(b1, b2, b3);
            answerAll(all, 500);
            int admin = RunningSerai.freePort();
            try (RunningSerai serai = RunningSerai.routes(THREE)
                    .property("serai.admin.port", admin)
                    .property("backend.1", b1.url())
                    .property("backend.2", b2.url())
                    .property("backend.3", b3.url())
                    .property("serai.health.passive.consecutive-failures", "3")
                    .property("serai.health.passive.ejection-time", "5s")
                    .start(tmp)) {
                // b1 fails 3 times in a row first and is ejected; at 50% of 3 members b2 and b3 may not be.
                assertEquals(
                        Map.of("status:500", 30),
                        Traffic.sequential(serai.port(), 30),
                        "no 503: the backends' own answers");
                log.await("is ejected but stays in this load balancer: at most 1 of its 3 members", Waits.PROMPTLY);
                assertEquals(
                        1.0,
                        MetricScrape.value(admin, "serai_backend_ejections_total", "backend=\"" + b1.url() + "\""));
                int[] before = all.stream().mapToInt(b -> b.requests().size()).toArray();
                assertEquals(Map.of("status:500", 20), Traffic.sequential(serai.port(), 20));
                int[] sent = new int[3];
                for (int i = 0; i < 3; i++) {
                    sent[i] = all.get(i).requests().size() - before[i];
                }
                assertArrayEquals(new int[] {0, 10, 10}, sent, "only b1, ejected first, is out");

                answerAll(all, 200);
                // b2 and b3 answer well and are back at once; b1 when its ejection time is over
                Waits.forTally(
                        Map.of("b1", 10, "b2", 10, "b3", 10),
                        Waits.PROMPTLY,
                        () -> Traffic.sequential(serai.port(), 30));
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
                // without the cap, which keeps one of two members in (it answers 502 then)
                .property("serai.health.passive.max-ejection-percent", "100")
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

    /** Every backend answers {@code status}, naming itself b1, b2, ... in {@code X-Backend}. */
    private static void answerAll(List<TestBackend> backends, int status) {
        for (int i = 0; i < backends.size(); i++) {
            backends.get(i).respondWith(Behaviours.status(status, Map.of("X-Backend", "b" + (i + 1)), "answer"));
        }
    }

    private static RawResponse get(RunningSerai serai) throws Exception {
        return RawHttp.exchange(serai.port(), "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    }
}
