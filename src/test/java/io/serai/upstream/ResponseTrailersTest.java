package io.serai.upstream;

import io.serai.support.Behaviours;
import io.serai.support.Http2Backend;
import io.serai.support.RawHttp;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23: a backend's trailers travel to the client after the body (RFC 9110 section 6.5), from a chunked
 * HTTP/1.1 response as from HTTP/2, less the fields a trailer may not carry; a client whose response is framed
 * by Content-Length has no trailer section to get them in, and gets the body alone.
 */
@Timeout(30)
class ResponseTrailersTest {

    @TempDir
    Path dir;

    @Test
    void trailersOfAChunkedHttp11ResponseReachAChunkedClient() throws Exception {
        try (TestBackend backend = TestBackend.start("chunked")
                        .respondWith(Behaviours.raw(
                                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                                        + "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nSet-Cookie: s=1\r\n\r\n",
                                true));
                RunningSerai serai = RunningSerai.proxyTo(backend).start(dir)) {
            String answer = exchange(serai);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            String last = answer.substring(answer.lastIndexOf("\r\n0\r\n") + 2);
            assertTrue(last.contains("X-Checksum: abc\r\n"), "the last chunk carries the trailer: " + answer);
            assertFalse(last.contains("Set-Cookie"), "a field a trailer may not carry is dropped: " + answer);
        }
    }

    @Test
    void aResponseWithContentLengthGoesToAnHttp11ClientWithoutItsTrailers() throws Exception {
        try (Http2Backend backend =
                        Http2Backend.start("h2").download(5).declareLength().trailers(Map.of("grpc-status", "0"));
                RunningSerai serai = RunningSerai.routes(
                                RunningSerai.PROXY_ROUTE.replace("{{backend.1}}", "{{backend.1}}?protocol=h2"))
                        .property("backend.1", backend.hostPort())
                        .start(dir)) {
            String answer = exchange(serai);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.toLowerCase().contains("content-length: 5"), answer);
            assertFalse(answer.contains("grpc-status"), answer);
        }
    }

    private static String exchange(RunningSerai serai) throws Exception {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            client.send("GET /t HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            return new String(client.readToEnd(), StandardCharsets.ISO_8859_1);
        }
    }
}
