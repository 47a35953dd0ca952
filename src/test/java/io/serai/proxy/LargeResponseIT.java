package io.serai.proxy;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar at -Xmx256m in front of a backend answering 512 MiB on a route that holds responses whole
 * (responseBuffering=true): bounded memory, a clear 502 naming the limit, still serving. (Without the option
 * the response streams through.)
 */
@Timeout(120)
class LargeResponseIT {

    @Test
    void aBufferedRouteRefusesA512MibResponseWithA502NamingTheLimitAndTheHeapStaysBounded(@TempDir Path tmp)
            throws Exception {
        Path routes = Files.writeString(tmp.resolve("proxy.camel.yaml"), """
                - route:
                    id: proxy
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true&responseBuffering=true"
                      steps:
                        - to: "netty-http:http://{{backend.1}}"
                """);
        int port = RunningSerai.freePort();
        try (TestBackend backend = TestBackend.start("big");
                SeraiProcess serai = SeraiProcess.builder()
                        .env("SERAI_ROUTES", routes.toString())
                        .property("serai.port", port)
                        .property("backend.1", backend.hostPort())
                        .jvmOption("-Xmx256m")
                        .start(tmp)) {
            serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));
            backend.respondWith(Behaviours.large(512 * 1024 * 1024));
            for (int i = 0; i < 3; i++) {
                RawResponse r = RawHttp.exchange(port, "GET /huge HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(502, r.status());
                assertTrue(r.bodyText().contains("serai.upstream.max-response-body"), r.bodyText());
            }
            backend.respondWith(Behaviours.json());
            assertEquals(
                    200,
                    RawHttp.exchange(port, "GET /small HTTP/1.1\r\nHost: h\r\n\r\n")
                            .status());
            assertTrue(serai.isAlive());
            assertFalse(serai.output().contains("OutOfMemoryError"), serai.output());
        }
    }
}
