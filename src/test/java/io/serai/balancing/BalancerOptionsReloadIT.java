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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Balancer options on reload: one a policy has no use for is a refused route file, with its file and
 * line; a member a reload adds ramps up over its slowStart.
 */
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

    @Test
    void aMemberAReloadAddsRampsUpOverItsSlowStart() throws Exception {
        Path routes = Files.createDirectory(tmp.resolve("routes"));
        Path file = Files.writeString(routes.resolve("balanced.camel.yaml"), GOOD);
        int port = RunningSerai.freePort();
        Duration slowStart = Duration.ofSeconds(4);
        try (TestBackend b1 = TestBackend.start("b1");
                TestBackend b2 = TestBackend.start("b2");
                TestBackend b3 = TestBackend.start("b3");
                SeraiProcess serai = SeraiProcess.builder()
                        .env("SERAI_ROUTES", routes.toString())
                        .property("serai.port", port)
                        .property("serai.reload.interval", "100ms")
                        .property("backend.1", b1.url())
                        .property("backend.2", b2.url())
                        .property("backend.3", b3.url())
                        .start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));

            String member = "- to: \"netty-http:{{backend.2}}\"";
            String indent = GOOD.substring(GOOD.lastIndexOf('\n', GOOD.indexOf(member)) + 1, GOOD.indexOf(member));
            Files.writeString(
                    file,
                    GOOD.replace(member, member + "\n" + indent + "- to: \"netty-http:{{backend.3}}?slowStart=4s\""));
            List<Traffic.Answer> answers =
                    Traffic.timeline(port, "b3", slowStart.plusSeconds(2), Duration.ofSeconds(30));
            long joined = Traffic.firstAnswer(answers, "b3");
            long last = answers.get(answers.size() - 1).atNanos() + 1;
            double early = Traffic.share(answers, "b3", joined, joined + slowStart.toNanos() / 4);
            double after = Traffic.share(
                    answers, "b3", joined + slowStart.plusMillis(300).toNanos(), last);
            assertTrue(early < 0.25, "b3's share in the first quarter of its slow start: " + early);
            assertTrue(after > 0.30 && after < 0.37, "b3's share after its slow start (a third): " + after);
        }
    }
}
