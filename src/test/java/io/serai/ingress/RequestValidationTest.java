package io.serai.ingress;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request heads a strict edge proxy refuses, sent as raw bytes; none may reach the backend. */
@Timeout(30)
class RequestValidationTest {

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1");
        serai = RunningSerai.proxyTo(backend)
                .property("serai.limits.max-uri", "1KiB")
                .property("serai.limits.max-header", "4KiB")
                .property("serai.limits.max-body", "1MiB")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
    }

    @AfterEach
    void seraiStillAnswersNormally() throws Exception {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, r.status());
    }

    static Stream<Arguments> refused() {
        String big = "a".repeat(5000);
        return Stream.of(
                Arguments.of(
                        "RFC 9112 6.1: Content-Length with Transfer-Encoding (smuggling)",
                        400,
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n"),
                Arguments.of(
                        "RFC 9112 6.1: last transfer coding not chunked",
                        400,
                        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of(
                        "RFC 9112 6.1: obfuscated transfer coding",
                        400,
                        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of(
                        "RFC 9112 6.1: Transfer-Encoding in HTTP/1.0",
                        400,
                        "POST / HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of(
                        "RFC 9112 6.3: duplicate Content-Length",
                        400,
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
                Arguments.of(
                        "RFC 9112 6.3: signed Content-Length",
                        400,
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nhello"),
                Arguments.of(
                        "RFC 9112 6.3: Content-Length list",
                        400,
                        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello"),
                Arguments.of(
                        "RFC 9112 7.1: invalid chunk size",
                        400,
                        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("RFC 9112 3.2: missing Host in HTTP/1.1", 400, "GET / HTTP/1.1\r\n\r\n"),
                Arguments.of("RFC 9112 3.2: two Host headers", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                Arguments.of("RFC 9112 3.2: invalid Host", 400, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
                Arguments.of(
                        "RFC 9112 5.1: whitespace between field name and colon",
                        400,
                        "GET / HTTP/1.1\r\nHost : h\r\n\r\n"),
                Arguments.of(
                        "RFC 9110 5.5: NUL in a field value", 400, "GET / HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n"),
                Arguments.of("RFC 9110 5.1: invalid field name", 400, "GET / HTTP/1.1\r\nHost: h\r\nX(y): a\r\n\r\n"),
                Arguments.of("RFC 9112 3: HTTP/0.9 request line", 400, "GET /\r\n\r\n"),
                Arguments.of(
                        "RFC 9110 9.3.6: CONNECT never becomes a tunnel",
                        405,
                        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
                Arguments.of(
                        "RFC 9112 3: request target over serai.limits.max-uri",
                        414,
                        "GET /" + big + " HTTP/1.1\r\nHost: h\r\n\r\n"),
                Arguments.of(
                        "RFC 6585 5: header section over serai.limits.max-header",
                        431,
                        "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + big + "\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("refused")
    void aRequestAStrictProxyMustRefuseIsAnsweredAndClosedAndNeverReachesTheBackend(String rule, int status, String raw)
            throws Exception {
        int before = backend.requests().size();
        try (RawHttp c = RawHttp.connect(serai.port())) {
            RawResponse r = c.send(raw).read();
            assertEquals(status, r.status(), rule + ": " + r.bodyText());
            assertTrue(r.bodyText().length() < 200 && !r.bodyText().contains("Exception"), r.bodyText());
            assertTrue(c.closedWithin(2000), rule + ": connection left open");
        }
        assertEquals(before, backend.requests().size(), rule + ": reached the backend");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedWith413BeforeItIsSent() throws Exception {
        // RFC 9110 15.5.14: the head alone decides; the client need not send a byte of the body.
        int before = backend.requests().size();
        try (RawHttp c = RawHttp.connect(serai.port())) {
            RawResponse r = c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 999999999\r\n\r\n")
                    .read();
            assertEquals(413, r.status());
        }
        assertEquals(before, backend.requests().size());
    }

    @Test
    void aFoldedHeaderLineIsJoinedWithASpaceNotForwardedAsANewField() throws Exception {
        // RFC 9112 5.2: a proxy may replace obs-fold with a space; a new header line must never result.
        RawResponse r = RawHttp.exchange(
                serai.port(), "GET /fold HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n" + " Injected: yes\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals(null, backend.lastRequest().header("Injected"));
        assertTrue(
                backend.lastRequest().header("X-Long").startsWith("a"),
                backend.lastRequest().header("X-Long"));
    }
}
