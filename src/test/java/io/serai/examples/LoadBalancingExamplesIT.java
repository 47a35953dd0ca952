package io.serai.examples;

import io.serai.support.MemberBackends;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.Traffic;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.serai.support.Traffic.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load-balancing examples under examples/, each started as the README says
 * (SERAI_ROUTES=examples/NAME.camel.yaml java -Dbackend.1=... -jar target/serai.jar) in front of three
 * real backends, and checked by what a client sees: which backend answered, and the status.
 */
class LoadBalancingExamplesIT {

    @TempDir
    Path tmp;

    MemberBackends members;
    SeraiProcess serai;
    int port;
    int adminPort;

    void start(String example, String... properties) throws Exception {
        members = MemberBackends.start(3);
        port = RunningSerai.freePort();
        SeraiProcess.Builder b = SeraiProcess.builder()
                .env("SERAI_ROUTES", "examples/" + example)
                .property("serai.port", port);
        b.properties(members.properties());
        for (int i = 0; i + 1 < properties.length; i += 2) {
            b.property(properties[i], properties[i + 1]);
        }
        adminPort = b.adminPort();
        serai = b.start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() throws Exception {
        if (serai != null) {
            serai.close();
        }
        if (members != null) {
            members.close();
        }
    }

    @Test
    void roundRobinSpreadsRequestsEvenly() throws Exception {
        start("round-robin.camel.yaml");
        Map<String, Integer> tally = Traffic.sequential(port, 300);
        assertEquals(Map.of("b1", 100, "b2", 100, "b3", 100), tally);
    }

    @Test
    void weightedFollowsFourTwoOne() throws Exception {
        start("weighted.camel.yaml");
        Map<String, Integer> tally = Traffic.sequential(port, 700);
        assertEquals(Map.of("b1", 400, "b2", 200, "b3", 100), tally, "smooth weighted round robin is exact per cycle");
    }

    @Test
    void leastConnectionsSendsFewerRequestsToTheMemberThatHoldsThemLonger() throws Exception {
        start("least-connections.camel.yaml");
        members.delay(1, Duration.ofMillis(200));
        Map<String, Integer> tally = Traffic.concurrent(port, 6, Duration.ofSeconds(3));
        assertTrue(count(tally, "b1") * 4 < Math.min(count(tally, "b2"), count(tally, "b3")), tally.toString());
        assertEquals(0, tally.keySet().stream().filter(k -> !k.startsWith("b")).count(), tally.toString());
    }

    @Test
    void latencyAwareMovesTrafficAwayFromASlowMemberAndBackWhenItRecovers() throws Exception {
        start("latency-aware.camel.yaml");
        Traffic.concurrent(port, 4, Duration.ofSeconds(1)); // first connections and threads of each backend
        // Peak EWMA reacts to any hiccup (a GC pause on a loaded CI machine): measure until the three alike
        // members share, within a bound, as the recovery below does.
        Waits.upTo(Duration.ofSeconds(10)).pollInterval(Duration.ZERO).untilAsserted(() -> {
            Map<String, Integer> before = Traffic.concurrent(port, 4, Duration.ofSeconds(2));
            assertTrue(share(before, "b1") > 0.15, "a fast b1 gets its share: " + before);
        });

        members.delay(1, Duration.ofMillis(100));
        Traffic.concurrent(port, 4, Duration.ofMillis(500));
        Map<String, Integer> slow = Traffic.concurrent(port, 4, Duration.ofSeconds(2));
        assertTrue(share(slow, "b1") < 0.05, "a slow b1 loses its traffic within seconds: " + slow);

        members.delay(1, Duration.ZERO);
        Waits.upTo(Duration.ofSeconds(25)).pollInterval(Duration.ZERO).untilAsserted(() -> {
            Map<String, Integer> recovered = Traffic.concurrent(port, 4, Duration.ofSeconds(1));
            assertTrue(share(recovered, "b1") >= 0.15, "a recovered b1 wins its traffic back: " + recovered);
        });
    }

    @Test
    void resourceBasedFavoursTheMemberReportingLowerUtilization() throws Exception {
        start("resource-based.camel.yaml");
        members.loadReport(1, "TEXT cpu_utilization=0.90, mem_utilization=0.20")
                .loadReport(2, "TEXT cpu_utilization=0.10, mem_utilization=0.20")
                .loadReport(3, "TEXT application_utilization=0.15, cpu_utilization=0.95");
        Traffic.sequential(port, 30);
        Map<String, Integer> tally = Traffic.sequential(port, 600);
        // spare capacity 0.1 : 0.8 : 0.85, so b1 expects about 5% of the requests
        assertTrue(share(tally, "b1") < 0.10, tally.toString());
        assertTrue(share(tally, "b2") > 0.35 && share(tally, "b3") > 0.35, tally.toString());
        assertTrue(
                members.backend(1).requests().stream().anyMatch(r -> r.target().equals("/load")),
                "the load URL of each member is polled");
    }

    @Test
    void failoverLosesNoRequestWhenAMemberDies() throws Exception {
        start("failover.camel.yaml");
        assertEquals(Map.of("b1", 20), Traffic.sequential(port, 20));
        members.backend(1).close();
        assertEquals(Map.of("b2", 50), Traffic.sequential(port, 50));
        RawResponse post = RawHttp.exchange(port, "POST /orders HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
        assertEquals(200, post.status(), "a POST that never reached the dead member is safe to send on");
        assertEquals("b2", post.header("X-Backend"));
    }

    @Test
    void stickySendsAUserToTheSameMemberAndMovesOnlyTheUsersOfAMemberThatLeft() throws Exception {
        start("sticky.camel.yaml", "serai.health.passive.consecutive-failures", "1");
        Map<String, String> home = new HashMap<>();
        for (int u = 0; u < 90; u++) {
            String user = "user-" + u;
            String first = Traffic.get(port, "/t", "X-User", user);
            assertEquals(first, Traffic.get(port, "/t", "X-User", user), user + " moved between two requests");
            home.put(user, first);
        }
        for (String b : new String[] {"b1", "b2", "b3"}) {
            assertTrue(home.values().stream().filter(b::equals).count() > 10, "every member has users: " + home);
        }
        members.backend(2).close();
        // The first request for a user of b2 fails and passive ejection takes b2 out.
        String victim = home.entrySet().stream()
                .filter(e -> e.getValue().equals("b2"))
                .findFirst()
                .orElseThrow()
                .getKey();
        Traffic.get(port, "/t", "X-User", victim);
        int moved = 0;
        for (Map.Entry<String, String> e : home.entrySet()) {
            String now = Traffic.get(port, "/t", "X-User", e.getKey());
            if (e.getValue().equals("b2")) {
                assertNotEquals("b2", now);
                assertTrue(now.equals("b1") || now.equals("b3"), e.getKey() + " got " + now);
                moved++;
            } else {
                assertEquals(e.getValue(), now, e.getKey() + " moved though its member is still up");
            }
        }
        assertTrue(moved > 10);
    }

    @Test
    void healthChecksTakeAFailingMemberOutAndBringItBack() throws Exception {
        start("health-checks.camel.yaml");
        assertEquals(Map.of("b1", 10, "b2", 10, "b3", 10), Traffic.sequential(port, 30));

        members.healthy(3, false);
        awaitTally(Map.of("b1", 15, "b2", 15), Duration.ofSeconds(10));

        members.healthy(3, true);
        awaitTally(Map.of("b1", 10, "b2", 10, "b3", 10), Duration.ofSeconds(10));

        String b2 = "backend=\"" + members.backend(2).url() + "\"";
        assertEquals(1.0, MetricScrape.value(adminPort, "serai_backend_up", b2));
        members.backend(2).close();
        // Three failed checks a second apart; then the balancers no longer choose b2.
        Waits.upTo(Waits.PROMPTLY)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals(0.0, MetricScrape.value(adminPort, "serai_backend_up", b2)));
        assertEquals(Map.of("b1", 30, "b3", 30), Traffic.sequential(port, 60), "no request lost once b2 is down");

        members.healthy(1, false).healthy(3, false);
        RawResponse none = awaitStatus(503, Duration.ofSeconds(10));
        assertTrue(none.bodyText().contains("no backend available"), none.bodyText());
        assertNotNull(none.header("Retry-After"));
    }

    private void awaitTally(Map<String, Integer> expected, Duration timeout) {
        int n = expected.values().stream().mapToInt(Integer::intValue).sum();
        Waits.forTally(expected, timeout, () -> Traffic.sequential(port, n));
    }

    private RawResponse awaitStatus(int status, Duration timeout) {
        return Waits.forStatus(status, timeout, () -> RawHttp.exchange(port, "GET /t HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    private static double share(Map<String, Integer> tally, String key) {
        int total = tally.values().stream().mapToInt(Integer::intValue).sum();
        return total == 0 ? 0 : (double) count(tally, key) / total;
    }
}
