package io.serai.ingress;

import io.serai.support.Behaviours;
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
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client reads when a backend fails: the route and what failed, never the backend's host name or
 * port, unless serai.errors.verbose=true. The backends are named "localhost" so a leak is visible.
 */
@Timeout(60)
class ErrorBodiesTest {

    private static final String ROUTES = """
            - route:
                id: refused
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/refused?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://localhost:{{refused.port}}"
            - route:
                id: slow
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/slow?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://localhost:{{slow.port}}"
            - route:
                id: reset
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/reset?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://localhost:{{reset.port}}"
            - route:
                id: merged
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/merged?matchOnUriPrefix=true"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 2s
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:http://localhost:{{slow.port}}?group=fine"
                          - to: "netty-http:http://localhost:{{refused.port}}?group=billing&required=true"
            """;

    @TempDir
    static Path dir;

    static TestBackend slow;
    static TestBackend reset;
    static int refusedPort;
    static RunningSerai terse;
    static RunningSerai verbose;

    @BeforeAll
    static void start() throws Exception {
        slow = TestBackend.start("slow").respondWith(Behaviours.slow(Duration.ofSeconds(3)));
        reset = TestBackend.start("reset").respondWith(Behaviours.resetImmediately());
        refusedPort = TestBackend.refusingPort();
        terse = serai(null).start(dir);
        verbose = serai("true").start(dir);
    }

    private static RunningSerai.Builder serai(String verbose) {
        RunningSerai.Builder b = RunningSerai.routes(ROUTES)
                .property("refused.port", refusedPort)
                .property("slow.port", slow.port())
                .property("reset.port", reset.port())
                .property("serai.upstream.timeout", "500ms");
        return verbose == null ? b : b.property("serai.errors.verbose", verbose);
    }

    @AfterAll
    static void stop() throws IOException {
        terse.close();
        verbose.close();
        slow.close();
        reset.close();
    }

    @Test
    void aRefusedConnectionNamesTheRouteAndTheFailureAndTheBackendOnlyWhenVerbose() throws IOException {
        RawResponse r = get(terse, "/refused/x");
        assertEquals(502, r.status());
        assertEquals("502 Bad Gateway: route refused: could not connect to the backend\n", r.bodyText());
        RawResponse told = get(verbose, "/refused/x");
        assertEquals(502, told.status());
        assertTrue(
                told.bodyText()
                        .startsWith("502 Bad Gateway: route refused: could not connect to http://localhost:"
                                + refusedPort + " ("),
                told.bodyText());
    }

    @Test
    void aTimeOutNamesTheRouteAndTheTimeAndTheBackendOnlyWhenVerbose() throws IOException {
        RawResponse r = get(terse, "/slow/x");
        assertEquals(504, r.status());
        assertEquals("504 Gateway Timeout: route slow: the backend did not answer within 500 ms\n", r.bodyText());
        RawResponse told = get(verbose, "/slow/x");
        assertEquals(
                "504 Gateway Timeout: route slow: http://localhost:" + slow.port() + " did not answer within 500 ms\n",
                told.bodyText());
    }

    @Test
    void aResetConnectionSaysSoWithoutTheBackendOrTheNetworksWords() throws IOException {
        RawResponse r = get(terse, "/reset/x");
        assertEquals(502, r.status());
        assertTrue(r.bodyText().startsWith("502 Bad Gateway: route reset: "), r.bodyText());
        assertNamesNoBackend(r, reset.port());
    }

    @Test
    void aFailedRequiredCallOfAnAggregationIsNamedAndItsBackendOnlyWhenVerbose() throws IOException {
        RawResponse r = get(terse, "/merged/x");
        assertEquals(502, r.status());
        assertEquals(
                "{\"error\":\"a required call failed\",\"call\":\"billing\","
                        + "\"reason\":\"could not connect to the backend\"}",
                r.bodyText());
        RawResponse told = get(verbose, "/merged/x");
        assertTrue(
                told.bodyText().contains("\"reason\":\"could not connect to http://localhost:" + refusedPort),
                told.bodyText());
    }

    private static void assertNamesNoBackend(RawResponse r, int port) {
        assertFalse(r.bodyText().contains("localhost"), r.bodyText());
        assertFalse(r.bodyText().contains("127.0.0.1"), r.bodyText());
        assertFalse(r.bodyText().contains(String.valueOf(port)), r.bodyText());
    }

    private static RawResponse get(RunningSerai serai, String path) throws IOException {
        return RawHttp.exchange(serai.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }
}
