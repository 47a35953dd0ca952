package io.serai.balancing;

import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.Traffic;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A balancer option a policy has no use for is a refused route file on reload, with its file and line. */
class BalancerOptionsReloadIT {

    private static final String GOOD = """
            - route:
                id: balanced
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            """;

    private static final String WEIGHTED_FAILOVER = """
            - beans:
                - name: weightedFailover
                  type: io.serai.balancing.FailoverLoadBalancer
                  properties:
                    weights: "3,1"
            - route:
                id: balanced
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        customLoadBalancer:
                          ref: weightedFailover
                        steps:
                          - to: "netty-http:{{backend.1}}"
                          - to: "netty-http:{{backend.2}}"
            """;

    @TempDir
    Path tmp;

    @Test
    void weightsOnFailoverAreRefusedNamingTheFileLineRouteAndPolicyAndTheLastGoodRoutesKeepServing() throws Exception {
        Path routes = Files.createDirectory(tmp.resolve("routes"));
        Path file = Files.writeString(routes.resolve("balanced.camel.yaml"), GOOD);
        int port = RunningSerai.freePort();
        try (TestBackend b1 = TestBackend.start("b1");
                TestBackend b2 = TestBackend.start("b2");
                SeraiProcess serai = SeraiProcess.builder()
                        .env("SERAI_ROUTES", routes.toString())
                        .property("serai.port", port)
                        .property("serai.reload.interval", "100ms")
                        .property("backend.1", b1.url())
                        .property("backend.2", b2.url())
                        .start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));

            Files.writeString(file, WEIGHTED_FAILOVER);
            serai.awaitOutput(
                    "route balanced (balanced.camel.yaml:6): failoverLoadBalancer takes no weights", Waits.PROMPTLY);
            assertEquals(Map.of("b1", 5, "b2", 5), Traffic.sequential(port, 10), "round robin still serves");
        }
    }
}
