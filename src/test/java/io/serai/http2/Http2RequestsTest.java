package io.serai.http2;

import io.netty.handler.codec.http2.Http2Headers;
import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 requests on the same routes as HTTP/1.1, with Netty's HTTP/2 client (and raw frames for what it
 * would not send): many streams on one connection, large bodies streamed both ways, access checks, the
 * fields a backend receives, and the requests RFC 9113 calls malformed.
 */
@Timeout(60)
class Http2RequestsTest {

    private static final String ROUTES = """
            - beans:
                - name: elsewhereOnly
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "10.0.0.0/8"
            - route:
                id: refused
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/refused?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: elsewhereOnly}
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;
    static int admin;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("h2-requests");
        admin = RunningSerai.freePort();
        serai = RunningSerai.proxyTo(backend, ROUTES)
                .property("serai.admin.port", admin)
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
    }

    @BeforeEach
    void json() {
        backend.respondWith(Behaviours.json());
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionReachTheBackend() throws Exception {
        int before = backend.requests().size();
        try (H2Client client = H2Client.connect(serai.port())) {
            List<CompletableFuture<H2Client.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(client.send(client.request("GET", "/many/" + i), null));
            }
            for (int i = 0; i < 50; i++) {
                H2Client.Response r = answers.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertTrue(r.text().contains("\"target\":\"/many/" + i + "\""), r.text());
            }
        }
        assertEquals(before + 50, backend.requests().size());
    }

    @Test
    void requestMetricsCountHttp2RequestsAsHttp11Ones() throws Exception {
        String ok = "route=\"proxy\"";
        double before = MetricScrape.value(admin, "serai_requests_total", ok, "code=\"2xx\"");
        double bytesBefore = MetricScrape.value(admin, "serai_request_bytes_total", ok);
        assertEquals(
                200, Curl.run("--http1.1", "-d", "12345", serai.url("/counted")).status());
        try (H2Client client = H2Client.connect(serai.port())) {
            H2Client.Response r = client.send(client.request("POST", "/counted"), "12345".getBytes())
                    .get(10, TimeUnit.SECONDS);
            assertEquals(200, r.status());
        }
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> MetricScrape.value(admin, "serai_requests_total", ok, "code=\"2xx\"") == before + 2);
        assertEquals(bytesBefore + 10, MetricScrape.value(admin, "serai_request_bytes_total", ok));
    }

    @Test
    void aLargePostBodyIsStreamedToTheBackend() throws Exception {
        byte[] body = Behaviours.pattern(8 * 1024 * 1024);
        try (H2Client client = H2Client.connect(serai.port())) {
            H2Client.Response r =
                    client.send(client.request("POST", "/upload"), body).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status());
        }
        assertArrayEquals(body, backend.lastRequest().body());
    }

    @Test
    void aLargeResponseIsStreamedToTheClient() throws Exception {
        backend.respondWith(Behaviours.large(16 * 1024 * 1024));
        try (H2Client client = H2Client.connect(serai.port())) {
            H2Client.Response r =
                    client.send(client.request("GET", "/large"), null).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals(16 * 1024 * 1024, r.body().length);
            assertTrue(Behaviours.isPattern(r.body()));
        }
    }

    @Test
    void anAccessCheckRefusesAsOnHttp11() throws Exception {
        int before = backend.requests().size();
        int http11 = Curl.run("--http1.1", serai.url("/refused/x")).status();
        try (H2Client client = H2Client.connect(serai.port())) {
            H2Client.Response r =
                    client.send(client.request("GET", "/refused/x"), null).get(10, TimeUnit.SECONDS);
            assertEquals(http11, r.status());
            assertEquals(403, r.status());
        }
        assertEquals(before, backend.requests().size(), "the backend got nothing");
    }

    @Test
    void theBackendGetsHostFromAuthorityAndNoHttp2Fields() throws Exception {
        try (H2Client client = H2Client.connect(serai.port())) {
            Http2Headers headers = client.request("GET", "/fields")
                    .set("x-http2-scheme", "https")
                    .set("x-http2-stream-id", "99")
                    .set("x-kept", "yes");
            assertEquals(
                    200, client.send(headers, null).get(10, TimeUnit.SECONDS).status());
        }
        RecordedRequest seen = backend.lastRequest();
        assertEquals("127.0.0.1:" + serai.port(), seen.header("Host"));
        assertEquals("yes", seen.header("X-Kept"));
        assertFalse(
                seen.headerNames().stream().anyMatch(h -> h.startsWith("x-http2-") || h.startsWith(":")),
                seen.headerNames().toString());
        assertEquals("HTTP/1.1", seen.version());
    }

    @Test
    void theBackendsViaNamesHttp2AsTheProtocolSeraiReceived() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/via"), true);
            assertEquals(200, h2.await(1).status());
        }
        assertEquals("2 serai", backend.lastRequest().header("Via"));
    }

    @Test
    void aPathLongerThanMaxUriIs414AsOnHttp11AndTheConnectionGoesOn() throws Exception {
        int before = backend.requests().size();
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            // 9 KiB: over serai.limits.max-uri (8 KiB), within the header list (32 KiB), which alone bounded it.
            h2.headers(1, h2.get("/long/" + "a".repeat(9 * 1024)), true);
            assertEquals(414, h2.await(1).status());
            h2.headers(3, h2.get("/after-long"), true);
            assertEquals(200, h2.await(3).status());
        }
        assertEquals(before + 1, backend.requests().size(), "only the second request reached the backend");
    }

    @Test
    void aHostThatAgreesWithAuthorityIsServedOnce() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/same-host").add("host", "127.0.0.1:" + serai.port()), true);
            assertEquals(200, h2.await(1).status());
        }
        assertEquals("127.0.0.1:" + serai.port(), backend.lastRequest().header("Host"));
    }

    @Test
    void aHostThatDisagreesWithAuthorityIsAStreamErrorAndTheConnectionGoesOn() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/other-host").add("host", "evil.example"), true);
            RawH2.Outcome refused = h2.await(1);
            assertNotNull(refused.reset(), "a reset, not an answer");
            assertEquals(RawH2.PROTOCOL_ERROR, refused.reset().errorCode());
            h2.headers(3, h2.get("/after"), true);
            assertEquals(200, h2.await(3).status());
        }
    }

    /** RFC 9113 §8.2.2: connection-specific fields make a request malformed; TE may only say trailers. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "connection, keep-alive",
        "keep-alive, timeout=5",
        "proxy-connection, keep-alive",
        "transfer-encoding, chunked",
        "upgrade, websocket",
        "te, gzip",
    })
    void aConnectionSpecificFieldIsAStreamError(String name, String value) throws Exception {
        int before = backend.requests().size();
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/malformed").add(name, value), true);
            RawH2.Outcome refused = h2.await(1);
            boolean streamError = refused.reset() != null && refused.reset().errorCode() == RawH2.PROTOCOL_ERROR;
            assertTrue(streamError || refused.status() == 400, name + " was " + refused);
            h2.headers(3, h2.get("/after-malformed"), true);
            assertEquals(200, h2.await(3).status(), "the connection goes on");
        }
        assertEquals(before + 1, backend.requests().size(), "only the well-formed request reached the backend");
    }

    /** A value HTTP/1.1 could not carry must not reach an HTTP/1.1 backend (header injection). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"carriage return and line feed", "line feed", "nul"})
    void aValueWithControlCharactersNeverReachesTheBackend(String what) throws Exception {
        String value = switch (what) {
            case "line feed" -> "a\nx-injected: 1";
            case "nul" -> "a\u0000b";
            default -> "a\r\nx-injected: 1";
        };
        int before = backend.requests().size();
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/injected").add("x-value", value), true);
            RawH2.Outcome refused = h2.await(1);
            assertTrue(refused.reset() != null || refused.status() == 400, what + " was " + refused);
        }
        assertEquals(before, backend.requests().size(), "the backend got nothing");
    }

    @Test
    void teTrailersIsAllowed() throws Exception {
        try (RawH2 h2 = RawH2.connect(serai.port())) {
            h2.headers(1, h2.get("/te").add("te", "trailers"), true);
            RawH2.Outcome answer = h2.await(1);
            assertNull(answer.reset());
            assertEquals(200, answer.status());
        }
    }
}
