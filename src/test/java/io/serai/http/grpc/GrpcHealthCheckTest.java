package io.serai.http.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.serai.support.GrpcBackend;
import io.serai.support.GrpcClients;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23: {@code protocol=h2} members checked by the gRPC health protocol ({@code grpc.health.v1}), a named
 * service ({@code healthCheckGrpcService}) or the server as a whole ({@code healthCheckGrpc=true}): a member
 * that answers NOT_SERVING is taken out and calls go to the other; SERVING again brings it back; both show in
 * {@code /health/backends}.
 */
@Timeout(60)
class GrpcHealthCheckTest {

    @TempDir
    Path dir;

    private static final String ROUTE = """
            - route:
                id: grpc-checked
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{b1}}?protocol=h2&healthCheckGrpcService=serai.test.Backend&healthCheckInterval=500ms&healthCheckTimeout=500ms&unhealthyThreshold=1&healthyThreshold=1"
                          - to: "netty-http:{{b2}}?protocol=h2&healthCheckGrpc=true&healthCheckInterval=500ms&healthCheckTimeout=500ms&unhealthyThreshold=1&healthyThreshold=1"
            """;

    @Test
    void aMemberNotServingIsTakenOutAndReturnsWhenServingAgain() throws Exception {
        int admin = RunningSerai.freePort();
        try (GrpcBackend one = GrpcBackend.start("one");
                GrpcBackend two = GrpcBackend.start("two");
                RunningSerai serai = RunningSerai.routes(ROUTE)
                        .property("b1", "http://" + one.hostPort())
                        .property("b2", "http://" + two.hostPort())
                        .property("serai.admin.port", admin)
                        .start(dir)) {
            ManagedChannel channel = GrpcClients.plaintext(serai.port());
            try {
                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> states(admin).equals(Map.of(one.port(), "up", two.port(), "up")));
                assertEquals(Map.of("one", 2, "two", 2), served(channel, 4));

                one.health(GrpcBackend.SERVICE, ServingStatus.NOT_SERVING);
                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> states(admin).equals(Map.of(one.port(), "down", two.port(), "up")));
                assertEquals(Map.of("two", 6), served(channel, 6));

                one.health(GrpcBackend.SERVICE, ServingStatus.SERVING);
                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> states(admin).equals(Map.of(one.port(), "up", two.port(), "up")));
                assertEquals(Map.of("one", 2, "two", 2), served(channel, 4));

                // The whole server's status ("") is what healthCheckGrpc=true asks for.
                two.health("", ServingStatus.NOT_SERVING);
                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> states(admin).equals(Map.of(one.port(), "up", two.port(), "down")));
                assertEquals(Map.of("one", 3), served(channel, 3));
            } finally {
                GrpcClients.close(channel);
            }
        }
    }

    @Test
    void aGrpcHealthCheckIsRefusedAtLoadWithoutHttp2OrWithAPath() {
        String noH2 = StartFailure.messages(member("http://127.0.0.1:9?healthCheckGrpc=true"), dir);
        assertTrue(noH2.contains("healthCheckGrpc=true needs protocol=h2"), noH2);
        String both = StartFailure.messages(
                member("http://127.0.0.1:9?protocol=h2&healthCheckGrpcService=a.B&healthCheckPath=/health"), dir);
        assertTrue(both.contains("healthCheckGrpcService=a.B is invalid with healthCheckPath"), both);
    }

    private static String member(String uri) {
        return """
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - to: "netty-http:%s"
                """.formatted(uri);
    }

    private static Map<String, Integer> served(ManagedChannel channel, int calls) {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            String answer = GrpcBackend.text(GrpcClients.unary(channel, GrpcBackend.ECHO, GrpcBackend.bytes("x")));
            served.merge(answer.substring(0, answer.indexOf(':')), 1, Integer::sum);
        }
        return served;
    }

    /** Each member's state in /health/backends, by its port. */
    private static Map<Integer, String> states(int admin) throws IOException {
        RawResponse backends = RawHttp.exchange(admin, "GET /health/backends HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Map<Integer, String> states = new HashMap<>();
        for (JsonNode route : new ObjectMapper().readTree(backends.body()).get("routes")) {
            if (route.get("id").asText().equals("grpc-checked")) {
                for (JsonNode backend : route.get("backends")) {
                    String address = backend.get("backend").asText();
                    states.put(
                            Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)
                                    .replaceAll("\\D.*", "")),
                            backend.get("state").asText());
                }
            }
        }
        return states;
    }
}
