package io.serai.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.serai.support.Behaviours;
import io.serai.support.MemberBackends;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness says whether this replica can serve, never whether its backends can: those are shared by
 * every replica, and a readiness that followed them would take every replica out of the Service at once.
 */
@Timeout(60)
class ReadinessTest {

    private static final String ROUTES = """
            - route:
                id: shop
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/shop?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{backend.1}}?healthCheckPath=/health&healthCheckInterval=200ms&unhealthyThreshold=2&healthyThreshold=1"
                          - to: "netty-http:{{backend.2}}?healthCheckPath=/health&healthCheckInterval=200ms&unhealthyThreshold=2&healthyThreshold=1"
            - route:
                id: solo
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/solo?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.solo}}"
            """;

    @TempDir
    Path dir;

    @Test
    void aRouteWithoutBackendsAnswers503ItselfWhileTheReplicaStaysReadyAndNamesThemDown() throws Exception {
        try (MemberBackends members = MemberBackends.start(2);
                TestBackend solo = TestBackend.start("solo").respondWith(Behaviours.json());
                RunningSerai serai = RunningSerai.routes(ROUTES)
                        .properties(members.properties())
                        .property("backend.solo", solo.hostPort())
                        .start(dir)) {
            int admin = adminPort(serai);
            members.healthy(1, false).healthy(2, false);

            Waits.upTo(Waits.PROMPTLY)
                    .untilAsserted(() ->
                            assertFalse(route(admin, "shop").get("available").asBoolean(), "shop still has a member"));
            JsonNode shop = route(admin, "shop");
            for (JsonNode backend : shop.get("backends")) {
                assertEquals("down", backend.get("state").asText(), shop.toString());
                assertFalse(backend.get("available").asBoolean(), shop.toString());
            }
            assertEquals(2, shop.get("backends").size(), shop.toString());
            assertTrue(route(admin, "solo").get("available").asBoolean());

            RawResponse ready = get(admin, "/health/ready");
            assertEquals(200, ready.status(), ready.bodyText());
            assertTrue(ready.bodyText().contains("\"id\":\"serving\""), ready.bodyText());
            assertFalse(ready.bodyText().contains("backend"), "backends are no part of readiness: " + ready.bodyText());
            assertEquals(200, get(admin, "/health/live").status());

            RawResponse noMember = get(serai.port(), "/shop/cart");
            assertEquals(503, noMember.status(), noMember.bodyText());
            assertTrue(noMember.bodyText().contains("route shop: no backend available"), noMember.bodyText());
            assertFalse(noMember.bodyText().contains("Exception"), noMember.bodyText());
            assertEquals(200, get(serai.port(), "/solo/x").status());
        }
    }

    private static int adminPort(RunningSerai serai) {
        return Integer.parseInt(serai.context().resolvePropertyPlaceholders("{{serai.admin.port}}"));
    }

    private static JsonNode route(int admin, String id) throws IOException {
        RawResponse backends = get(admin, "/health/backends");
        assertEquals(200, backends.status(), "200 even when members are down: " + backends.bodyText());
        for (JsonNode route : new ObjectMapper().readTree(backends.body()).get("routes")) {
            if (route.get("id").asText().equals(id)) {
                return route;
            }
        }
        throw new AssertionError("no route " + id + " in " + backends.bodyText());
    }

    private static RawResponse get(int port, String path) throws IOException {
        // The admin listener is on loopback without a token: it answers a Host that names it.
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
}
