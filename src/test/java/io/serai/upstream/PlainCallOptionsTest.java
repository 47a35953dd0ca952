package io.serai.upstream;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code callTimeout} and {@code query} on a plain call say how the call is made; the answer is still the
 * client's, so what the client accepts reaches the backend unchanged. Only a merged call asks for what
 * Serai decodes.
 */
@Timeout(30)
class PlainCallOptionsTest {

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("plain");
        serai = RunningSerai.routes("""
                        - route:
                            id: timed
                            from:
                              uri: "netty-http:http://127.0.0.1:{{serai.port}}/timed"
                              steps:
                                - to: "netty-http:http://{{backend.1}}/timed?callTimeout=2s"
                        - route:
                            id: queried
                            from:
                              uri: "netty-http:http://127.0.0.1:{{serai.port}}/queried/{id}"
                              steps:
                                - to: "netty-http:http://{{backend.1}}/queried?query=RAW(id={id})"
                        - route:
                            id: merged
                            from:
                              uri: "netty-http:http://127.0.0.1:{{serai.port}}/merged"
                              steps:
                                - multicast:
                                    parallelProcessing: true
                                    aggregationStrategy: jsonMerge
                                    steps:
                                      - to: "netty-http:http://{{backend.1}}/a?callTimeout=2s"
                                      - to: "netty-http:http://{{backend.1}}/b?group=b"
                        """)
                .property("backend.1", backend.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aPlainCallWithItsOwnTimeLimitKeepsTheClientsAcceptEncoding() throws Exception {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /timed HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("br", backend.lastRequest().header("Accept-Encoding"));
    }

    @Test
    void aPlainCallWithAQueryKeepsTheClientsAcceptEncoding() throws Exception {
        RawResponse r =
                RawHttp.exchange(serai.port(), "GET /queried/7 HTTP/1.1\r\nHost: a\r\nAccept-Encoding: zstd\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("/queried?id=7", backend.lastRequest().target());
        assertEquals("zstd", backend.lastRequest().header("Accept-Encoding"));
    }

    @Test
    void everyCallOfAnAggregationAsksOnlyForWhatSeraiDecodes() throws Exception {
        RawResponse r =
                RawHttp.exchange(serai.port(), "GET /merged HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br\r\n\r\n");
        assertEquals(200, r.status());
        var calls = backend.requests().stream()
                .filter(request ->
                        request.target().equals("/a") || request.target().equals("/b"))
                .toList();
        assertEquals(2, calls.size(), calls.toString());
        calls.forEach(request -> assertEquals(
                "gzip, deflate", request.header("Accept-Encoding"), request.target() + " of the aggregation"));
    }
}
