package io.serai.ingress;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SlowClients;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serai.client.header-timeout and serai.client.idle-timeout, with slow clients on raw sockets. */
@Timeout(30)
class ClientTimeoutsTest {

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1");
        serai = RunningSerai.proxyTo(backend)
                .property("serai.client.header-timeout", "500ms")
                .property("serai.client.idle-timeout", "800ms")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
    }

    @BeforeEach
    void correctBackend() {
        backend.respondWith(Behaviours.json());
    }

    @Test
    void aClientThatTricklesItsHeaderGets408AtTheHeaderTimeout() throws Exception {
        // RFC 9110 15.5.9: 408 when the server will not wait longer for the request.
        try (RawHttp c = RawHttp.connect(serai.port())) {
            long start = System.nanoTime();
            SlowClients.trickle(c, Duration.ofMillis(200), "GET /slowloris HTTP/1.1\r\nHost: h\r\n", "X-A: 1\r\n");
            RawResponse r = c.read();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, r.status());
            assertTrue(millis >= 450 && millis < 2000, "408 after " + millis + " ms");
            assertTrue(c.closedWithin(1000));
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtTheIdleTimeout() throws Exception {
        try (RawHttp c = RawHttp.connect(serai.port())) {
            assertEquals(
                    200, c.send("GET /one HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            assertFalse(c.closedWithin(400), "closed before the idle timeout");
            assertTrue(c.closedWithin(1500), "still open after the idle timeout");
        }
    }

    @Test
    void aClientThatStopsMidBodyIsCutOffAndTheBackendNeverSeesThePartialRequest() throws Exception {
        int before = backend.requests().size();
        try (RawHttp c = RawHttp.connect(serai.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n12345");
            assertTrue(c.closedWithin(2500), "connection kept open with a stalled body");
        }
        assertEquals(before, backend.requests().size());
    }

    @Test
    void waitingForASlowBackendIsNotAClientTimeout() throws Exception {
        backend.respondWith(Behaviours.slow(Duration.ofMillis(1500)));
        try (RawHttp c = RawHttp.connect(serai.port())) {
            RawResponse r = c.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(200, r.status());
            backend.respondWith(Behaviours.json());
            assertEquals(
                    200, c.send("GET /again HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }
}
