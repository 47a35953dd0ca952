package io.serai.balancing;

import io.serai.support.Behaviours;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member back from ejection ramps up over its slowStart, as nginx's slow_start, instead of a full share at once. */
class SlowStartTest {

    private static final String ROUTE = """
            - route:
                id: ramped
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}?slowStart=4s"
                          - to: "netty-http:{{backend.2}}"
                          - to: "netty-http:{{backend.3}}"
            """;

    private static final Duration SLOW_START = Duration.ofSeconds(4);

    @TempDir
    Path tmp;

    @Test
    void aMemberBackFromEjectionGetsASmallShareAtFirstAndItsFairShareAfterItsSlowStart() throws Exception {
        try (TestBackend b1 = TestBackend.start("b1");
                TestBackend b2 = TestBackend.start("b2");
                TestBackend b3 = TestBackend.start("b3")) {
            b1.respondWith(Behaviours.status(500, Map.of(), "broken"));
            b2.respondWith(Behaviours.status(200, Map.of("X-Backend", "b2"), "ok"));
            b3.respondWith(Behaviours.status(200, Map.of("X-Backend", "b3"), "ok"));
            try (RunningSerai serai = RunningSerai.routes(ROUTE)
                    .property("backend.1", b1.url())
                    .property("backend.2", b2.url())
                    .property("backend.3", b3.url())
                    .property("serai.health.passive.consecutive-failures", "3")
                    .property("serai.health.passive.ejection-time", "1s")
                    .start(tmp)) {
                assertEquals(
                        Map.of("status:500", 3, "b2", 12, "b3", 12),
                        Traffic.sequential(serai.port(), 27),
                        "b1 is ejected after 3 failures in a row");
                b1.respondWith(Behaviours.status(200, Map.of("X-Backend", "b1"), "ok"));

                // Who answered when, from the ejection's end (1 s) until well after b1's slow start.
                List<Traffic.Answer> answers =
                        Traffic.timeline(serai.port(), "b1", SLOW_START.plusSeconds(2), Duration.ofSeconds(20));
                long back = Traffic.firstAnswer(answers, "b1");
                long last = answers.get(answers.size() - 1).atNanos() + 1;
                double early = Traffic.share(answers, "b1", back, back + SLOW_START.toNanos() / 4);
                double after = Traffic.share(
                        answers, "b1", back + SLOW_START.plusMillis(300).toNanos(), last);
                assertTrue(early < 0.25, "b1's share in the first quarter of its slow start: " + early);
                assertTrue(after > 0.30 && after < 0.37, "b1's share after its slow start (a third): " + after);
            }
        }
    }
}
