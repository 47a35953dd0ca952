package io.serai.admin;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may use the admin listener. "Beyond loopback" is a listener bound to 0.0.0.0 (what the container
 * does); the test client still connects to 127.0.0.1, as any client on the network would to its address.
 */
@Timeout(60)
class AdminListenerAccessTest {

    private static final String ROUTES = """
            - route:
                id: shop
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/shop?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://backend.internal:9000"
            """;
    private static final String TOKEN = "s3cret-admin-token";

    @TempDir
    Path dir;

    @Test
    void beyondLoopbackTheRouteListAndTheStatusPageNeedTheTokenAndAreServedWithIt() throws Exception {
        int admin = RunningSerai.freePort();
        try (RunningSerai serai =
                beyondLoopback(admin).property("serai.admin.token", TOKEN).start(dir)) {
            for (String path : List.of("/routes", "/")) {
                RawResponse refused = get(admin, path);
                assertEquals(401, refused.status(), path);
                assertTrue(
                        refused.headers("WWW-Authenticate")
                                .containsAll(List.of(
                                        "Basic realm=\"serai-admin\", charset=\"UTF-8\"",
                                        "Bearer realm=\"serai-admin\"")),
                        refused.headers("WWW-Authenticate").toString());
                assertTrue(!refused.bodyText().contains("backend.internal"), refused.bodyText());
                assertEquals(
                        401,
                        get(admin, path, "Authorization: Bearer wrong-token").status(),
                        path);
                assertEquals(
                        401,
                        get(admin, path, "Authorization: Bearer " + TOKEN + "x").status(),
                        path);
                assertEquals(
                        401,
                        get(admin, path, "Authorization: Basic " + basic("admin:wrong"))
                                .status(),
                        path);
            }
            RawResponse routes = get(admin, "/routes", "Authorization: Bearer " + TOKEN);
            assertEquals(200, routes.status(), routes.bodyText());
            assertTrue(routes.bodyText().contains("backend.internal:9000"), routes.bodyText());
            RawResponse page = get(admin, "/", "Authorization: Basic " + basic("anyone:" + TOKEN));
            assertEquals(200, page.status(), page.bodyText());
            assertTrue(page.bodyText().contains("<title>Serai status</title>"));
            assertEquals(
                    200,
                    get(admin, "/routes", "Authorization: Basic " + basic(":" + TOKEN))
                            .status());
        }
    }

    @Test
    void beyondLoopbackOnlyHealthAndMetricsAreOpenForProbesAndScrapers() throws Exception {
        int admin = RunningSerai.freePort();
        try (RunningSerai serai =
                beyondLoopback(admin).property("serai.admin.token", TOKEN).start(dir)) {
            assertEquals(200, get(admin, "/health/live").status());
            assertEquals(200, get(admin, "/health/ready").status());
            assertEquals(200, get(admin, "/health").status());
            RawResponse metrics = get(admin, "/metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.bodyText().contains("jvm_memory_used_bytes"));
            for (String other : List.of("/routes", "/", "/nothing")) {
                assertEquals(401, get(admin, other).status(), other);
            }
            assertEquals(401, request(admin, "DELETE /cache", "127.0.0.1").status());
            RawResponse purged = request(admin, "DELETE /cache", "127.0.0.1", "Authorization: Bearer " + TOKEN);
            assertEquals(200, purged.status(), purged.bodyText());
            assertEquals("{\"purged\":0}", purged.bodyText().trim());
        }
    }

    @Test
    void metricsNeedTheTokenWhenTheSettingSaysSo() throws Exception {
        int admin = RunningSerai.freePort();
        try (RunningSerai serai = beyondLoopback(admin)
                .property("serai.admin.token", TOKEN)
                .property("serai.admin.metrics-need-token", true)
                .start(dir)) {
            assertEquals(401, get(admin, "/metrics").status());
            RawResponse metrics = get(admin, "/metrics", "Authorization: Bearer " + TOKEN);
            assertEquals(200, metrics.status());
            assertTrue(metrics.bodyText().contains("jvm_memory_used_bytes"));
            assertEquals(200, get(admin, "/health/ready").status(), "probes still need nothing");
        }
    }

    @Test
    void beyondLoopbackWithoutATokenTheRouteListPageAndWritesAnswer403SayingATokenIsNeeded() throws Exception {
        int admin = RunningSerai.freePort();
        try (RunningSerai serai = beyondLoopback(admin).start(dir)) {
            for (String path : List.of("/routes", "/")) {
                RawResponse refused = get(admin, path);
                assertEquals(403, refused.status(), path);
                assertTrue(refused.bodyText().contains("serai.admin.token"), refused.bodyText());
                assertTrue(!refused.bodyText().contains("backend.internal"), refused.bodyText());
            }
            assertEquals(403, request(admin, "DELETE /cache", "127.0.0.1").status());
            assertEquals(
                    403, get(admin, "/routes", "Authorization: Bearer anything").status());
            assertEquals(200, get(admin, "/health/ready").status());
            assertEquals(200, get(admin, "/metrics").status());
        }
    }

    @Test
    void onLoopbackWithoutATokenWritesWithAForeignHostAreRefused() throws Exception {
        int admin = RunningSerai.freePort();
        try (RunningSerai serai =
                RunningSerai.routes(ROUTES).property("serai.admin.port", admin).start(dir)) {
            for (String foreign : List.of(
                    "rebound.attacker.example",
                    "rebound.attacker.example:" + admin,
                    "localhost.attacker.example",
                    "127.0.0.1:1",
                    "10.0.0.1:" + admin)) {
                RawResponse refused = request(admin, "DELETE /cache", foreign);
                assertEquals(403, refused.status(), foreign);
                assertTrue(!refused.bodyText().contains("attacker"), "the client's Host is not repeated");
            }
            for (String own : List.of(
                    "localhost", "localhost:" + admin, "LOCALHOST:" + admin, "127.0.0.1", "127.0.0.1:" + admin)) {
                assertEquals(200, request(admin, "DELETE /cache", own).status(), own);
            }
        }
    }

    @Test
    void onLoopbackWithoutATokenTheRouteListAndThePageRefuseAForeignHostToo() throws Exception {
        int admin = RunningSerai.freePort();
        try (RunningSerai serai =
                RunningSerai.routes(ROUTES).property("serai.admin.port", admin).start(dir)) {
            for (String path : List.of("/routes", "/")) {
                assertEquals(
                        403,
                        request(admin, "GET " + path, "rebound.attacker.example:" + admin)
                                .status(),
                        path);
                assertEquals(
                        200, request(admin, "GET " + path, "localhost:" + admin).status(), path);
            }
            assertEquals(
                    200,
                    request(admin, "GET /health/ready", "rebound.attacker.example")
                            .status(),
                    "health stays open");
        }
    }

    private RunningSerai.Builder beyondLoopback(int admin) {
        return RunningSerai.routes(ROUTES)
                .property("serai.admin.host", "0.0.0.0")
                .property("serai.admin.port", admin);
    }

    private static String basic(String userAndPassword) {
        return Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static RawResponse get(int port, String path, String... fields) throws IOException {
        return request(port, "GET " + path, "127.0.0.1:" + port, fields);
    }

    private static RawResponse request(int port, String methodAndPath, String host, String... fields)
            throws IOException {
        StringBuilder raw = new StringBuilder(methodAndPath)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append("\r\n");
        for (String field : fields) {
            raw.append(field).append("\r\n");
        }
        return RawHttp.exchange(port, raw.append("\r\n").toString());
    }
}
