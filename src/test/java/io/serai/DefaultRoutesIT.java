package io.serai;

import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's first command: the jar on its shipped routes answers with nothing else running. */
class DefaultRoutesIT {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theShippedDemoBalancesOverItsTwoBackendsAggregatesThemAndAnswersWithinTwoSeconds(@TempDir Path tmp)
            throws Exception {
        int[] ports = RunningSerai.freePorts(3);
        int port = ports[0];
        try (SeraiProcess serai = SeraiProcess.builder()
                .property("serai.port", port)
                .property("demo.backend.1.port", ports[1])
                .property("demo.backend.2.port", ports[2])
                .start(tmp)) {
            Duration firstResponse =
                    serai.awaitStatus("http://127.0.0.1:" + port + "/hello", 200, Duration.ofSeconds(20));
            Set<String> backends = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(
                        "application/json",
                        r.headers().firstValue("Content-Type").orElse(""));
                assertEquals("1.1 serai", r.headers().firstValue("Via").orElse(""));
                backends.add(r.body().replaceAll(".*\"backend\":\"([^\"]+)\".*", "$1"));
            }
            assertEquals(Set.of("demo-1", "demo-2"), backends);
            HttpResponse<String> profile = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/profile/42"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, profile.statusCode());
            assertEquals("true", profile.headers().firstValue("Serai-Completed").orElse(""));
            assertEquals(
                    "{\"user\":{\"backend\":\"demo-1\",\"message\":\"Hello from demo backend 1\"},"
                            + "\"orders\":{\"backend\":\"demo-2\",\"message\":\"Hello from demo backend 2\"}}",
                    profile.body());
            // The figure; a loaded CI machine gets some slack, the measured value is in bench/.
            assertTrue(firstResponse.toMillis() < 6000, "first proxied response after " + firstResponse);
        }
    }

    @Test
    void anEnvironmentVariableOverridesASettingTheCamelWay(@TempDir Path tmp) throws Exception {
        int[] ports = RunningSerai.freePorts(3);
        int port = ports[0];
        try (SeraiProcess serai = SeraiProcess.builder()
                .env("SERAI_PORT", String.valueOf(port))
                .property("demo.backend.1.port", ports[1])
                .property("demo.backend.2.port", ports[2])
                .start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));
        }
    }

    @Test
    void aBrokenRouteFileAtStartStopsStartWithItsNameAndLine(@TempDir Path tmp) throws Exception {
        Path broken = java.nio.file.Files.writeString(tmp.resolve("broken.camel.yaml"), """
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - roundRobin: {}
                """);
        try (SeraiProcess serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", broken.toString())
                .property("serai.port", RunningSerai.freePort())
                .start(tmp)) {
            assertEquals(2, serai.awaitExit(Duration.ofSeconds(20)));
            assertTrue(
                    serai.output()
                            .contains("serai: route file not loaded: " + broken + ":5: Unknown node id: roundRobin"),
                    serai.output());
            assertTrue(!serai.output().contains("\tat "), "no stack trace: " + serai.output());
        }
    }

    @Test
    void aRouteCamelRefusesAtStartIsNamedWithItsFileInOneLine(@TempDir Path tmp) throws Exception {
        Path refused = java.nio.file.Files.writeString(tmp.resolve("weights.camel.yaml"), """
                - route:
                    id: shop
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - loadBalance:
                            weightedLoadBalancer:
                              distributionRatio: "4,2"
                            steps:
                              - to: "netty-http:http://127.0.0.1:9001"
                              - to: "netty-http:http://127.0.0.1:9002"
                              - to: "netty-http:http://127.0.0.1:9003"
                """);
        try (SeraiProcess serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", refused.toString())
                .property("serai.port", RunningSerai.freePort())
                .start(tmp)) {
            assertEquals(2, serai.awaitExit(Duration.ofSeconds(20)));
            assertTrue(
                    serai.output()
                            .contains("serai: route shop (weights.camel.yaml:1): load balancer weights \"4,2\" "
                                    + "have 2 values but the load balancer has 3 members"),
                    serai.output());
        }
    }

    @Test
    void aMissingRoutesLocationStopsStartWithOneLineNamingIt(@TempDir Path tmp) throws Exception {
        try (SeraiProcess serai =
                SeraiProcess.builder().env("SERAI_ROUTES", "no/such/dir").start(tmp)) {
            int exit = serai.awaitExit(Duration.ofSeconds(20));
            assertEquals(2, exit);
            assertTrue(serai.output().contains("serai: SERAI_ROUTES: no/such/dir does not exist"), serai.output());
            assertTrue(!serai.output().contains("\tat "), "no stack trace: " + serai.output());
        }
    }
}
