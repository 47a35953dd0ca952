package io.serai.balancing;

import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import io.serai.support.TestBackend;
import io.serai.support.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Policies configured as docs/load-balancing.md shows: beans with properties in the route file. */
class PolicyBeansTest {

    private static final String ROUTES = """
            - beans:
                - name: stickyBySession
                  type: io.serai.balancing.ConsistentHashLoadBalancer
                  properties:
                    key: "cookie:session"
                - name: weightedLeastConnections
                  type: io.serai.balancing.LeastConnectionsLoadBalancer
                  properties:
                    weights: "3,1"
            - route:
                id: sticky
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/sticky?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        customLoadBalancer:
                          ref: stickyBySession
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            - route:
                id: weighted
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/weighted?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        customLoadBalancer:
                          ref: weightedLeastConnections
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            - route:
                id: weighted-again
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/again?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        customLoadBalancer:
                          ref: weightedLeastConnections
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            """;

    private static final String WEIGHTED_BEANS = """
            - beans:
                - name: weightedRoundRobin
                  type: io.serai.balancing.RoundRobinLoadBalancer
                  properties:
                    weights: "3,1"
                - name: weightedRandom
                  type: io.serai.balancing.RandomLoadBalancer
                  properties:
                    weights: "3,1"
                - name: weightedSticky
                  type: io.serai.balancing.ConsistentHashLoadBalancer
                  properties:
                    key: "header:X-User"
                    weights: "3,1"
            """
            + route("rr", "weightedRoundRobin")
            + route("random", "weightedRandom")
            + route("sticky", "weightedSticky");

    @TempDir
    Path tmp;

    /** A route on {@code /id} that balances with the policy bean {@code ref} over {{backend.1}} and {{backend.2}}. */
    private static String route(String id, String ref) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/%s?matchOnUriPrefix=true"
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: %s
                            steps:
                              - to: "netty-http:{{backend.1}}"
                              - to: "netty-http:{{backend.2}}"
                """.formatted(id, id, ref);
    }

    @Test
    void roundRobinRandomAndStickyHonourWeights() throws Exception {
        try (TestBackend b1 = TestBackend.start("b1");
                TestBackend b2 = TestBackend.start("b2");
                RunningSerai serai = RunningSerai.routes(WEIGHTED_BEANS)
                        .property("backend.1", b1.url())
                        .property("backend.2", b2.url())
                        .start(tmp)) {
            assertEquals(Map.of("b1", 300, "b2", 100), sequential(serai.port(), "/rr", 400), "smooth 3:1 cycles");
            double random = sequential(serai.port(), "/random", 800).getOrDefault("b1", 0) / 800.0;
            assertTrue(random > 0.68 && random < 0.82, "3:1 at random: " + random);
            int keysOnB1 = 0;
            for (int u = 0; u < 400; u++) {
                String first = Traffic.get(serai.port(), "/sticky", "X-User", "u" + u);
                assertEquals(first, Traffic.get(serai.port(), "/sticky", "X-User", "u" + u), "a key stays");
                keysOnB1 += first.equals("b1") ? 1 : 0;
            }
            assertTrue(keysOnB1 > 0.66 * 400 && keysOnB1 < 0.84 * 400, "3:1 of the keys: " + keysOnB1 + " of 400");
        }
    }

    @Test
    void failoverRefusesWeightsAndStickyRefusesSlowStartNamingTheRoute() {
        String failover = StartFailure.messages(
                """
                - beans:
                    - name: weightedFailover
                      type: io.serai.balancing.FailoverLoadBalancer
                      properties:
                        weights: "3,1"
                """ + route("fo", "weightedFailover").replaceAll("\\{\\{backend\\.\\d}}", "http://127.0.0.1:9"), tmp);
        assertTrue(
                failover.contains("route: fo")
                        && failover.contains("failoverLoadBalancer takes no weights")
                        && failover.contains("weights=\"3,1\""),
                failover);
        String sticky = StartFailure.messages("""
                - route:
                    id: st
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/st"
                      steps:
                        - loadBalance:
                            stickyLoadBalancer:
                              correlationExpression: {header: X-User}
                            steps:
                              - to: "netty-http:http://127.0.0.1:9"
                              - to: "netty-http:http://127.0.0.1:9?slowStart=30s"
                """, tmp);
        assertTrue(sticky.contains("route: st") && sticky.contains("takes no slowStart"), sticky);
    }

    @Test
    void aCookieKeepsAUserOnOneMemberAndWeightsShareIdleTraffic() throws Exception {
        try (TestBackend b1 = TestBackend.start("b1");
                TestBackend b2 = TestBackend.start("b2");
                RunningSerai serai = RunningSerai.routes(ROUTES)
                        .property("backend.1", b1.url())
                        .property("backend.2", b2.url())
                        .start(tmp)) {
            for (int u = 0; u < 20; u++) {
                String cookie = "theme=dark; session=s" + u;
                String first = Traffic.get(serai.port(), "/sticky", "Cookie", cookie);
                for (int i = 0; i < 3; i++) {
                    assertEquals(first, Traffic.get(serai.port(), "/sticky", "Cookie", cookie));
                }
            }
            Map<String, Integer> tally = sequential(serai.port(), "/weighted", 800);
            double share = tally.getOrDefault("b1", 0) / 800.0;
            assertTrue(share > 0.68 && share < 0.82, "idle members share 3:1: " + tally);
            assertNotSame(
                    Balancers.of(serai.context(), "weighted"),
                    Balancers.of(serai.context(), "weighted-again"),
                    "each step has its own balancer though both name the same bean");
        }
    }

    private static Map<String, Integer> sequential(int port, String path, int n) {
        Map<String, Integer> tally = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            tally.merge(Traffic.get(port, path), 1, Integer::sum);
        }
        return tally;
    }
}
