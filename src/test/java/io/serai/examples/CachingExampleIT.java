package io.serai.examples;

import io.serai.support.CacheOrigin;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.serai.support.CacheOrigin.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/caching.camel.yaml started as the README says:
 * SERAI_ROUTES=examples/caching.camel.yaml java -Dupstream.url=... -jar target/serai.jar
 */
@Timeout(60)
class CachingExampleIT {

    @TempDir
    static Path tmp;

    static CacheOrigin origin;
    static SeraiProcess serai;
    static int port;
    static int adminPort;

    @BeforeAll
    static void start() throws Exception {
        origin = CacheOrigin.start();
        origin.on("/ready", (r, n) -> ok("ready"));
        origin.on("/catalog", (r, n) -> ok("catalog " + n, "Cache-Control", "max-age=300", "ETag", "\"c" + n + "\""));
        int[] ports = RunningSerai.freePorts(2);
        port = ports[0];
        adminPort = ports[1];
        serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", "examples/caching.camel.yaml")
                .property("serai.port", port)
                .property("serai.admin.port", adminPort)
                .property("upstream.url", "http://" + origin.hostPort())
                .start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        origin.close();
    }

    @Test
    void theSecondRequestIsAHitAndAPurgeOnTheAdminPortDropsIt() throws Exception {
        RawResponse first = get("/catalog");
        RawResponse second = get("/catalog");
        assertEquals("catalog 1", first.bodyText());
        assertTrue(
                first.header("Cache-Status").startsWith("serai; fwd=uri-miss; stored"), first.header("Cache-Status"));
        assertEquals("catalog 1", second.bodyText());
        assertTrue(second.header("Cache-Status").startsWith("serai; hit"), second.header("Cache-Status"));
        assertEquals(1, origin.count("/catalog"));

        RawResponse purge = RawHttp.exchange(
                adminPort,
                "DELETE /cache?url=http://127.0.0.1:" + port + "/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(200, purge.status(), "loopback admin needs no token: " + purge.bodyText());
        assertEquals("{\"purged\":1}", purge.bodyText().trim());
        assertEquals("catalog 2", get("/catalog").bodyText());
    }

    @Test
    void theTrafficPortHasNoAdminOperations() throws Exception {
        origin.on("/cache", (r, n) -> ok("the backend's own /cache"));
        RawResponse r = RawHttp.exchange(port, "DELETE /cache HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals("the backend's own /cache", r.bodyText());
    }

    @Test
    void aTakenAdminPortStopsSeraiWithOneLineNamingTheSetting() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            SeraiProcess second = SeraiProcess.builder()
                    .env("SERAI_ROUTES", "examples/caching.camel.yaml")
                    .property("serai.port", RunningSerai.freePort())
                    .property("serai.admin.port", taken.getLocalPort())
                    .property("upstream.url", "http://" + origin.hostPort())
                    .start(tmp);
            assertEquals(2, second.awaitExit(Duration.ofSeconds(30)));
            assertTrue(
                    second.output()
                            .contains("serai: cannot listen: Address already in use. Another process holds"
                                    + " one of Serai's ports: serai.port, serai.admin.port"),
                    second.output());
        }
    }

    private static RawResponse get(String path) throws Exception {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
    }
}
