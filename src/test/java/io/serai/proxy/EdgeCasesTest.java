package io.serai.proxy;

import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edge behaviour of the proxy path: misbehaving backends, and client framing that must not confuse it. */
@Timeout(60)
class EdgeCasesTest {

    @TempDir
    static Path dir;

    static TestBackend backend;
    static int comebackPort;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1");
        comebackPort = TestBackend.refusingPort();
        serai = RunningSerai.proxyTo(backend, """
                - route:
                    id: comeback
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/comeback?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:http://127.0.0.1:{{comeback.port}}"
                - route:
                    id: bad-status
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/bad-status"
                      steps:
                        - setHeader: {name: CamelHttpResponseCode, constant: "abc"}
                        - setBody: {constant: "never sent"}
                """)
                .property("comeback.port", comebackPort)
                .property("serai.limits.max-header", "4KiB")
                .property("serai.limits.max-body", "1MiB")
                .start(dir);
    }

    @Test
    void aRouteThatSetsAnInvalidStatusGetsA500NamingIt() throws Exception {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /bad-status HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(500, r.status());
        assertTrue(
                r.bodyText().contains("route bad-status: CamelHttpResponseCode \"abc\" is not an HTTP status"),
                r.bodyText());
        assertEquals(
                200,
                RawHttp.exchange(serai.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
                        .status());
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

    @AfterEach
    void seraiStillAnswersNormally() throws Exception {
        backend.respondWith(Behaviours.json());
        assertEquals(
                200,
                RawHttp.exchange(serai.port(), "GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
                        .status());
    }

    static Stream<Arguments> brokenResponses() {
        return Stream.of(
                Arguments.of("RFC 9112 4: invalid status code", "HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of(
                        "RFC 9112 4: status code out of range", "HTTP/1.1 1000 Odd\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of(
                        "RFC 9112 6.3: conflicting Content-Length",
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk"),
                Arguments.of("RFC 9112 6.3: invalid Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok"),
                Arguments.of(
                        "RFC 9110 5.5: NUL in a response field",
                        "HTTP/1.1 200 OK\r\nX-Bad: a\u0000b\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of(
                        "RFC 9110 5.5: bare CR in a response field",
                        "HTTP/1.1 200 OK\r\nX-Bad: a\rInjected: yes\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of(
                        "RFC 6585 5: response header section larger than serai.limits.max-header",
                        "HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(8000) + "\r\nContent-Length: 2\r\n\r\nok"));
    }

    @ParameterizedTest(name = "{0} -> 502")
    @MethodSource("brokenResponses")
    void aBrokenBackendResponseIsA502AndItsConnectionIsDiscarded(String rule, String response) throws Exception {
        backend.respondWith(Behaviours.raw(response, true));
        RawResponse r = RawHttp.exchange(serai.port(), "GET /broken HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(502, r.status(), rule + ": " + r.bodyText());
        int broken = backend.lastRequest().connection();
        backend.respondWith(Behaviours.json());
        int before = backend.requests().size();
        for (int i = 0; i < 8; i++) {
            assertEquals(
                    200,
                    RawHttp.exchange(serai.port(), "GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
                            .status());
        }
        assertTrue(
                backend.requests().subList(before, backend.requests().size()).stream()
                        .noneMatch(q -> q.connection() == broken),
                rule + ": the broken connection was reused");
    }

    @Test
    void aFoldedResponseHeaderNeverBecomesANewHeaderAtTheClient() throws Exception {
        // RFC 9112 5.2: obs-fold in a response is replaced by a space or the response refused.
        backend.respondWith(
                Behaviours.raw("HTTP/1.1 200 OK\r\nX-Long: a\r\n Injected: yes\r\nContent-Length: 2\r\n\r\nok", true));
        RawResponse r = RawHttp.exchange(serai.port(), "GET /fold HTTP/1.1\r\nHost: h\r\n\r\n");
        assertNull(r.header("Injected"), r.headers().toString());
    }

    @Test
    void aRefusingBackendIsA502AtOnceAndServesAgainWhenItComesBack() throws Exception {
        long start = System.nanoTime();
        assertEquals(
                502,
                RawHttp.exchange(serai.port(), "GET /comeback/x HTTP/1.1\r\nHost: h\r\n\r\n")
                        .status());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "502 was not prompt");
        try (TestBackend back = TestBackend.start("back", comebackPort)) {
            RawResponse r = RawHttp.exchange(serai.port(), "GET /comeback/x HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("back", r.header("X-Backend"));
        }
    }

    @Test
    void expect100ContinueGetsTheGoAheadAndTheBodyArrives() throws Exception {
        // RFC 9110 10.1.1: the client waits for 100 before sending the body; no deadlock.
        backend.respondWith(Behaviours.echo());
        try (RawHttp c = RawHttp.connect(serai.port())) {
            RawResponse interim = c.send(
                            "PUT /up HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                    .read();
            assertEquals(100, interim.status());
            RawResponse r = c.send("hello").read();
            assertEquals(200, r.status());
            assertEquals("hello", r.bodyText());
        }
        assertNull(backend.lastRequest().header("Expect"));
    }

    @Test
    void aChunkedUploadThatGrowsPastTheLimitIsCutOffWith413() throws Exception {
        // RFC 9110 15.5.14: the limit holds even when no length was declared.
        int before = backend.requests().size();
        String chunk = "x".repeat(60_000);
        try (RawHttp c = RawHttp.connect(serai.port())) {
            c.send("POST /grow HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            try {
                for (int i = 0; i < 40; i++) { // 2.4 MB against a 1 MiB limit
                    c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
                }
                c.send("0\r\n\r\n");
            } catch (java.io.IOException cutOff) {
                // Serai closed the connection after its 413: expected
            }
            assertEquals(413, c.read().status());
        }
        assertEquals(before, backend.requests().size());
    }

    @Test
    void trailerFieldsNeverBecomeHeaders() throws Exception {
        // RFC 9110 6.5: trailers may not be merged into the header section by a proxy that does not know them.
        backend.respondWith(Behaviours.echo());
        RawResponse r = RawHttp.exchange(
                serai.port(),
                "POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\nX-Trailer: sneaky\r\nHost: evil\r\n\r\n");
        assertEquals(200, r.status());
        RecordedRequest seen = backend.lastRequest();
        assertEquals("hello", seen.bodyText());
        assertNull(seen.header("X-Trailer"));
        assertEquals("h", seen.header("Host"));
    }

    @Test
    void aBodyOnGetIsABodyNeverTheNextRequest() throws Exception {
        // RFC 9112 6.3: Content-Length frames the body whatever the method; it is never parsed as a request.
        String hidden = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
        try (RawHttp c = RawHttp.connect(serai.port())) {
            c.send("GET /outer HTTP/1.1\r\nHost: h\r\nContent-Length: " + hidden.length() + "\r\n\r\n" + hidden);
            assertEquals(200, c.read().status());
            assertTrue(backend.requests().stream().noneMatch(q -> q.target().equals("/smuggled")));
            assertEquals(hidden, backend.lastRequest().bodyText());
        }
    }

    @Test
    void aClientThatLeavesStopsItsBackendCallWithinSeconds() throws Exception {
        java.util.concurrent.atomic.AtomicLong abortedAt = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger blocks = new java.util.concurrent.atomic.AtomicInteger();
        backend.respondWith((request, socket, out, name) -> {
            // A slow download: 1 KiB every 50 ms for up to 10 s, noting when Serai stops listening.
            started.countDown();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 204800\r\n\r\n".getBytes());
            byte[] block = new byte[1024];
            try {
                for (int i = 0; i < 200; i++) {
                    out.write(block);
                    out.flush();
                    blocks.incrementAndGet();
                    Thread.sleep(50); // the backend's own pace
                }
            } catch (java.io.IOException gone) {
                abortedAt.set(System.nanoTime());
                throw gone;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        long leftAt;
        try (RawHttp c = RawHttp.connect(serai.port())) {
            c.send("GET /download HTTP/1.1\r\nHost: h\r\n\r\n");
            assertTrue(started.await(5, java.util.concurrent.TimeUnit.SECONDS));
            // The client leaves with the download under way: a few blocks went out.
            Waits.upTo(Duration.ofSeconds(5)).until(() -> blocks.get() >= 5);
            leftAt = System.nanoTime();
        }
        Waits.upTo(Duration.ofSeconds(5))
                .alias("the backend stops sending after the client left")
                .until(() -> abortedAt.get() != 0);
        long millis = (abortedAt.get() - leftAt) / 1_000_000;
        assertTrue(millis < 3000, "backend call stopped " + millis + " ms after the client left");
    }

    @Test
    void aThousandIdleConnectionsDoNotDelayANormalRequest() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                idle.add(new Socket("127.0.0.1", serai.port()));
            }
            long start = System.nanoTime();
            assertEquals(
                    200,
                    RawHttp.exchange(serai.port(), "GET /busy HTTP/1.1\r\nHost: h\r\n\r\n")
                            .status());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1000, "answered after " + millis + " ms");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }
}
