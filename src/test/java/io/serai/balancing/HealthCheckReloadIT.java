package io.serai.balancing;

import io.serai.support.MemberBackends;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.Traffic;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A route edit does not forget what the health checks found: a down member stays out. */
class HealthCheckReloadIT {

    private static final String ROUTE = """
            - route:
                id: checked
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}?healthCheckPath=/health&healthCheckInterval=1s"
                          - to: "netty-http:{{backend.2}}?healthCheckPath=/health&healthCheckInterval=1s"
            """;

    @TempDir
    Path tmp;

    @Test
    void aDownMemberStaysOutAcrossAReloadOfItsRoute() throws Exception {
        Path routes = Files.createDirectory(tmp.resolve("routes"));
        Path file = Files.writeString(routes.resolve("checked.camel.yaml"), ROUTE);
        int port = RunningSerai.freePort();
        try (MemberBackends members = MemberBackends.start(2)) {
            members.healthy(2, false);
            SeraiProcess.Builder b = SeraiProcess.builder()
                    .env("SERAI_ROUTES", routes.toString())
                    .property("serai.port", port)
                    .property("serai.reload.interval", "100ms");
            b.properties(members.properties());
            try (SeraiProcess serai = b.start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));
                // Checks run at once and then every second: three failures take b2 out after about 2 s.
                Waits.forTally(Map.of("b1", 10), Waits.PROMPTLY, () -> Traffic.sequential(port, 10));

                Files.writeString(file, ROUTE.replace("id: checked", "id: checked-again"));
                serai.awaitOutput("checked-again"); // the edit was applied
                assertEquals(
                        Map.of("b1", 20), Traffic.sequential(port, 20), "the reloaded route still knows b2 is down");
            }
        }
    }
}
