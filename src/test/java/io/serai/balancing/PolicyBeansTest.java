package io.serai.balancing;

import io.serai.support.RunningSerai;
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

    @TempDir
    Path tmp;

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
