package io.serai.http.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.serai.support.AccessLogLines;
import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every answer Serai makes itself to a gRPC request is one a gRPC client reads: HTTP 200,
 * {@code application/grpc}, no body, {@code grpc-status} and {@code grpc-message} in the headers (a
 * trailers-only answer, which over HTTP/1.1 is a head alone). Tested over HTTP/1.1 with a raw client:
 * the shape does not depend on the protocol. {@code grpc-timeout} is the call's deadline.
 */
@Timeout(30)
class GrpcAnswersTest {

    private static final String ROUTES = """
            - beans:
                - name: apiKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "client:k-5f0e9d2c"
                - name: documentationNet
                  type: "#class:io.serai.security.ClientAddressCheck"
                  properties:
                    allow: "203.0.113.0/24"
                - name: onePerHour
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties:
                    limit: 1
                    period: 1h
                    burst: 1
            - route:
                id: open
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/open?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: checked
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/checked?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: apiKeys}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: forbidden
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/forbidden?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: documentationNet}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: limited
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/limited?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: onePerHour
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: gone
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/gone?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{backend.gone}}"
            - route:
                id: slow
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/slow?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.slow}}?callTimeout=300ms"
            - route:
                id: patient
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/patient?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.slow}}"
            - route:
                id: answered
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/answered?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.answered}}"
            - route:
                id: html
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/html?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.html}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static TestBackend slow;
    static TestBackend html;
    static TestBackend answered;
    static RunningSerai serai;
    static int admin;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("plain");
        slow = TestBackend.start("slow").respondWith(Behaviours.slow(Duration.ofSeconds(5)));
        html = TestBackend.start("html")
                .respondWith(Behaviours.status(503, Map.of("Content-Type", "text/html"), "<h1>down</h1>"));
        answered = TestBackend.start("answered")
                .respondWith(Behaviours.status(
                        200,
                        Map.of("Content-Type", "application/grpc", "grpc-status", "5", "grpc-message", "nope"),
                        ""));
        admin = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.answered", answered.hostPort())
                .property("serai.access-log", dir.resolve("access.log").toString())
                .property("serai.admin.port", admin)
                .property("backend.1", backend.hostPort())
                .property("backend.slow", slow.hostPort())
                .property("backend.html", html.hostPort())
                .property("backend.gone", TestBackend.refusingUrl())
                .property("serai.limits.max-body", "1KiB")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
        slow.close();
        html.close();
        answered.close();
    }

    @Test
    void aRefusedBackendIsUnavailable() throws IOException {
        assertTrailersOnly(grpc("/gone/x.Svc/M", ""), GrpcStatus.UNAVAILABLE, "could not connect");
    }

    @Test
    void aBackendPastTheRoutesTimeLimitIsDeadlineExceeded() throws IOException {
        assertTrailersOnly(grpc("/slow/x.Svc/M", ""), GrpcStatus.DEADLINE_EXCEEDED, "did not answer within");
    }

    @Test
    void theClientsGrpcTimeoutIsTheDeadlineWhenShorterThanTheRoutes() throws IOException {
        long began = System.nanoTime();
        assertTrailersOnly(
                grpc("/patient/x.Svc/M", "grpc-timeout: 300m\r\n"), GrpcStatus.DEADLINE_EXCEEDED, "did not answer");
        assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(Duration.ofSeconds(4)) < 0);
    }

    @Test
    void theBackendIsToldWhatIsLeftOfTheClientsGrpcTimeout() throws IOException {
        RawResponse r = grpc("/open/x.Svc/M", "grpc-timeout: 5S\r\n");
        assertEquals(200, r.status());
        Duration given = GrpcTimeout.parse(backend.lastRequest().header("grpc-timeout"));
        assertNotNull(given, backend.lastRequest().header("grpc-timeout"));
        assertTrue(given.compareTo(Duration.ofSeconds(5)) <= 0 && given.compareTo(Duration.ofSeconds(4)) > 0);
    }

    @Test
    void aGrpcTimeoutLongerThanTheRoutesIsCappedByIt() throws IOException {
        grpc("/open/x.Svc/M", "grpc-timeout: 3H\r\n");
        Duration given = GrpcTimeout.parse(backend.lastRequest().header("grpc-timeout"));
        assertTrue(given.compareTo(Duration.ofSeconds(60)) <= 0, "serai.upstream.timeout is 60s: " + given);
    }

    @Test
    void aMalformedGrpcTimeoutIsIgnoredAndReachesTheBackendAsSent() throws IOException {
        assertEquals(200, grpc("/open/x.Svc/M", "grpc-timeout: 123456789S\r\n").status());
        assertEquals("123456789S", backend.lastRequest().header("grpc-timeout"));
    }

    @Test
    void aRefusedApiKeyIsUnauthenticated() throws IOException {
        assertTrailersOnly(grpc("/checked/x.Svc/M", ""), GrpcStatus.UNAUTHENTICATED, "401");
    }

    @Test
    void aRefusedAddressIsPermissionDenied() throws IOException {
        assertTrailersOnly(grpc("/forbidden/x.Svc/M", ""), GrpcStatus.PERMISSION_DENIED, "403");
    }

    @Test
    void aRateLimitIsResourceExhausted() throws IOException {
        grpc("/limited/x.Svc/M", "");
        assertTrailersOnly(grpc("/limited/x.Svc/M", ""), GrpcStatus.RESOURCE_EXHAUSTED, "429");
    }

    @Test
    void noRouteIsUnimplemented() throws IOException {
        assertTrailersOnly(grpc("/nowhere/x.Svc/M", ""), GrpcStatus.UNIMPLEMENTED, "no route");
    }

    @Test
    void aBodyLargerThanTheLimitIsInvalidArgument() throws IOException {
        RawResponse r = RawHttp.exchange(
                serai.port(),
                "POST /open/x.Svc/M HTTP/1.1\r\nHost: a\r\nContent-Type: application/grpc\r\nContent-Length: 2000\r\n\r\n");
        assertTrailersOnly(r, GrpcStatus.INVALID_ARGUMENT, "max-body");
    }

    @Test
    void aBackendsOwnNonGrpcErrorIsMappedAsGrpcClientsWould() throws IOException {
        assertTrailersOnly(grpc("/html/x.Svc/M", ""), GrpcStatus.UNAVAILABLE, "HTTP 503");
    }

    @Test
    void aGrpcWebRequestGetsTheSameShapeInItsOwnContentType() throws IOException {
        RawResponse r = RawHttp.exchange(
                serai.port(),
                "POST /gone/x.Svc/M HTTP/1.1\r\nHost: a\r\nContent-Type: application/grpc-web-text\r\n"
                        + "Content-Length: 0\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("application/grpc-web-text", r.header("Content-Type"));
        assertEquals("14", r.header("grpc-status"));
    }

    @Test
    void aRequestThatIsNotGrpcStillGetsTheTextAnswer() throws IOException {
        RawResponse r = RawHttp.exchange(serai.port(), "GET /gone/x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(502, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/plain"));
        assertTrue(!r.hasHeader("grpc-status"));
    }

    @Test
    void theAccessLogAndMetricsCarryTheGrpcStatusOfSeraisOwnAnswer() throws IOException {
        grpc("/gone/x.Svc/M", "X-Request-Id: grpc-gone-1\r\n");
        JsonNode line = AccessLogLines.await(dir.resolve("access.log"), "grpc-gone-1");
        assertEquals("14", line.get("grpc_status").asText());
        assertEquals(502, line.get("status").asInt(), "the HTTP outcome Serai decided stays in status");
        assertTrue(
                MetricScrape.value(admin, "serai_grpc_responses_total", "route=\"gone\"", "grpc_status=\"14\"") >= 1);
    }

    @Test
    void theAccessLogCarriesTheGrpcStatusOfABackendsTrailersOnlyAnswer() throws IOException {
        RawResponse r = grpc("/answered/x.Svc/M", "X-Request-Id: grpc-answered-1\r\n");
        assertEquals("5", r.header("grpc-status"));
        JsonNode line = AccessLogLines.await(dir.resolve("access.log"), "grpc-answered-1");
        assertEquals("5", line.get("grpc_status").asText());
        assertEquals(200, line.get("status").asInt());
    }

    @Test
    void aRequestThatIsNotGrpcHasNoGrpcStatusInTheAccessLog() throws IOException {
        RawHttp.exchange(serai.port(), "GET /open/x HTTP/1.1\r\nHost: a\r\nX-Request-Id: not-grpc-1\r\n\r\n");
        JsonNode line = AccessLogLines.await(dir.resolve("access.log"), "not-grpc-1");
        assertNull(line.get("grpc_status"));
    }

    /** A gRPC call of one empty message, as grpc-java would send it over HTTP/1.1 framing. */
    private static RawResponse grpc(String path, String extraHeaders) throws IOException {
        return RawHttp.exchange(
                serai.port(),
                "POST " + path + " HTTP/1.1\r\nHost: a\r\nContent-Type: application/grpc\r\nTE: trailers\r\n"
                        + extraHeaders + "Content-Length: 5\r\n\r\n\0\0\0\0\0");
    }

    private static void assertTrailersOnly(RawResponse r, GrpcStatus status, String messagePart) {
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("application/grpc", r.header("Content-Type"));
        assertEquals(String.valueOf(status.code()), r.header("grpc-status"), r.header("grpc-message"));
        assertEquals(0, r.body().length);
        String message = r.header("grpc-message");
        assertNotNull(message);
        assertTrue(message.contains(messagePart), message);
    }
}
