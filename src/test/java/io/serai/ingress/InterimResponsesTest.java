package io.serai.ingress;

import io.serai.health.BackendStatus;
import io.serai.proxy.ProxyHttpComponent;
import io.serai.support.AccessLogLines;
import io.serai.support.EarlyHintsBehaviour;
import io.serai.support.Http2Backend;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPInputStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interim responses (RFC 9110 section 15.2; {@code 103 Early Hints}, RFC 8297) from HTTP/1.1 and HTTP/2
 * members reach an HTTP/1.1 client as they arrive, ahead of the final response: each test reads the 103 while
 * the backend still holds its final response back, then lets it go. Never cached, never merged, never sent to
 * an HTTP/1.0 client.
 */
@Timeout(30)
class InterimResponsesTest {

    private static final String ROUTES = """
            - beans:
                - name: hintRetries
                  type: "#class:io.serai.resilience.RetryPolicy"
                  properties:
                    attempts: 2
                    budget: 1.0
                    minRetriesPerSecond: 100
                    backoff: 0ms
            - route:
                id: hints-retried
                from:
                  uri: "netty-http:http://127.0.0.1:{{retried.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: hintRetries
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: hints
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: hints-h2-member
                from:
                  uri: "netty-http:http://127.0.0.1:{{h2member.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.h2}}?protocol=h2"
            - route:
                id: hints-cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{cached.port}}/?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: hints-compressed
                from:
                  uri: "netty-http:http://127.0.0.1:{{compressed.port}}/?matchOnUriPrefix=true&compression=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: hints-failover
                from:
                  uri: "netty-http:http://127.0.0.1:{{failover.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        failoverLoadBalancer: {}
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
                          - to: "netty-http:http://{{backend.2}}"
            - route:
                id: hints-checked
                from:
                  uri: "netty-http:http://127.0.0.1:{{checked.port}}/?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:http://{{backend.checked}}?healthCheckPath=/health&healthCheckInterval=400ms&healthCheckTimeout=400ms&healthyThreshold=1&unhealthyThreshold=2"
            - route:
                id: hints-merged
                from:
                  uri: "netty-http:http://127.0.0.1:{{merged.port}}/?matchOnUriPrefix=true"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 5s
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:http://{{backend.1}}/first"
                          - to: "netty-http:http://{{backend.1}}/second"
            """;

    private static final String LINK = EarlyHintsBehaviour.HINTS.get(0);

    @TempDir
    static Path dir;

    private static final EarlyHintsBehaviour hinting = new EarlyHintsBehaviour();
    private static TestBackend backend;
    private static TestBackend spare;
    private static TestBackend checked;
    private static Http2Backend h2;
    private static RunningSerai serai;
    private static Path log;
    private static int h2MemberPort;
    private static int cachedPort;
    private static int compressedPort;
    private static int mergedPort;
    private static int failoverPort;
    private static int checkedPort;
    private static int retriedPort;
    private CountDownLatch gate;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("hinting").respondWith(hinting);
        h2 = Http2Backend.start("hinting-h2");
        spare = TestBackend.start("spare");
        log = dir.resolve("access.log");
        checked = TestBackend.start("checked").respondWith(new EarlyHintsBehaviour());
        int[] ports = RunningSerai.freePorts(7);
        h2MemberPort = ports[0];
        cachedPort = ports[1];
        compressedPort = ports[2];
        mergedPort = ports[3];
        failoverPort = ports[4];
        checkedPort = ports[5];
        retriedPort = ports[6];
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("backend.h2", h2.hostPort())
                .property("h2member.port", h2MemberPort)
                .property("cached.port", cachedPort)
                .property("compressed.port", compressedPort)
                .property("merged.port", mergedPort)
                .property("backend.2", spare.hostPort())
                .property("failover.port", failoverPort)
                .property("serai.access-log", log)
                .property("backend.checked", checked.hostPort())
                .property("checked.port", checkedPort)
                .property("retried.port", retriedPort)
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
        spare.close();
        checked.close();
        h2.close();
    }

    @BeforeEach
    void closeTheGate() {
        gate = new CountDownLatch(1);
        hinting.gate(gate);
    }

    @Test
    void earlyHintsReachTheClientBeforeTheBackendSendsItsFinalResponse() throws IOException {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            client.send("GET /page HTTP/1.1\r\nHost: a\r\nX-Request-Id: hinted-page\r\n\r\n");
            RawResponse hints = client.read();
            assertEquals(103, hints.status());
            assertEquals(LINK, hints.header("Link"));
            gate.countDown();
            RawResponse last = client.read();
            assertEquals(200, last.status());
            assertEquals(EarlyHintsBehaviour.BODY, last.bodyText());

            // The 103 answered nothing: the connection goes on, the next request gets its own hints and answer.
            client.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(103, client.read().status());
            assertEquals(200, client.read().status());
        }
        // The access log's line is the final response's.
        assertEquals(200, AccessLogLines.await(log, "hinted-page").get("status").asInt());
    }

    @Test
    void anInterimResponseLosesItsHopByHopFieldsAsAFinalOneDoes() throws IOException {
        gate.countDown();
        try (RawHttp client = RawHttp.connect(serai.port())) {
            RawResponse hints =
                    client.send("GET /fields HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(103, hints.status());
            assertNull(hints.header("X-Hop"), "named by the backend's Connection");
            assertNull(hints.header("Keep-Alive"));
            assertNull(hints.header("Connection"));
            assertNull(hints.header("Content-Length"));
            assertNull(hints.header("Transfer-Encoding"));
            assertEquals(200, client.read().status());
        }
    }

    @Test
    void everyInterimResponseIsForwardedInTheOrderTheBackendSentThem() throws IOException {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            client.send("GET /page?hints=2 HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse first = client.read();
            RawResponse second = client.read();
            gate.countDown();
            assertEquals(List.of(103, 103), List.of(first.status(), second.status()));
            assertEquals(EarlyHintsBehaviour.HINTS, List.of(first.header("Link"), second.header("Link")));
            assertEquals(200, client.read().status());
        }
    }

    @Test
    void anHttp10ClientGetsTheFinalResponseWithoutTheInterimOnes() throws IOException {
        gate.countDown();
        RawResponse answer = RawHttp.exchange(serai.port(), "GET /old HTTP/1.0\r\n\r\n");
        assertEquals(200, answer.status());
        assertEquals(EarlyHintsBehaviour.BODY, answer.bodyText());
    }

    @Test
    void anHttp2MembersEarlyHintsReachTheHttp11ClientAsTheyArrive() throws IOException {
        CompletableFuture<Void> h2Gate = new CompletableFuture<>();
        h2.earlyHints(EarlyHintsBehaviour.HINTS, h2Gate);
        try (RawHttp client = RawHttp.connect(h2MemberPort)) {
            client.send("GET /from-h2 HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse first = client.read();
            RawResponse second = client.read();
            h2Gate.complete(null);
            assertEquals(List.of(103, 103), List.of(first.status(), second.status()));
            assertEquals(EarlyHintsBehaviour.HINTS, List.of(first.header("Link"), second.header("Link")));
            assertNull(first.header("x-http2-stream-id"), "Netty's conversion fields describe the backend's hop");
            assertEquals(200, client.read().status());
        } finally {
            h2Gate.complete(null);
            h2.earlyHints(List.of(), CompletableFuture.completedFuture(null));
        }
    }

    @Test
    void aBackendThatFailsAfterItsHintsIsABadGatewayAfterThem() throws IOException {
        try (RawHttp client = RawHttp.connect(serai.port())) {
            client.send("GET /broken HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(103, client.read().status());
            assertEquals(502, client.read().status());
        }
    }

    @Test
    void aRequestWhoseHintsWentToTheClientIsNotFailedOverToAnotherMember() throws IOException {
        // The member had the request (it answered it in part): sending it again is what failover never does
        // once a response has started, and its hints are already with the client.
        try (RawHttp client = RawHttp.connect(failoverPort)) {
            client.send("GET /broken/failover HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(103, client.read().status());
            assertEquals(502, client.read().status());
        }
        assertEquals(0, spare.requests().size());
    }

    @Test
    void aRetryPolicyStillRetriesAfterHintsAndTheClientGetsEachAttemptsHints() throws IOException {
        // Hints commit nothing (RFC 8297 section 2): a route's retry policy goes on as without them.
        gate.countDown();
        int before = backend.requests().size();
        try (RawHttp client = RawHttp.connect(retriedPort)) {
            client.send("GET /flaky HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(103, client.read().status(), "the first attempt's");
            assertEquals(103, client.read().status(), "the retry's");
            RawResponse last = client.read();
            assertEquals(200, last.status());
            assertEquals(EarlyHintsBehaviour.BODY, last.bodyText());
        }
        assertEquals(before + 2, backend.requests().size());
    }

    @Test
    void aCacheForwardsTheHintsOnAMissAndStoresOnlyTheFinalResponse() throws IOException {
        int before = backend.requests().size();
        try (RawHttp client = RawHttp.connect(cachedPort)) {
            client.send("GET /cacheable/hinted HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse hints = client.read();
            assertEquals(103, hints.status());
            assertNull(hints.header("Cache-Status"));
            assertNull(hints.header("Surrogate-Key"), "purge tags are for the cache alone, 103s included");
            assertNull(hints.header("Serai-Cache-Control"));
            assertEquals(LINK, hints.header("Link"));
            gate.countDown();
            RawResponse miss = client.read();
            assertEquals(200, miss.status());
            assertTrue(miss.header("Cache-Status").contains("stored"), miss.header("Cache-Status"));

            RawResponse hit = client.send("GET /cacheable/hinted HTTP/1.1\r\nHost: a\r\n\r\n")
                    .read();
            assertEquals(200, hit.status(), "a hit sends no 103");
            assertTrue(hit.header("Cache-Status").contains("hit"), hit.header("Cache-Status"));
            assertEquals(EarlyHintsBehaviour.BODY, hit.bodyText());
        }
        assertEquals(before + 1, backend.requests().size());
    }

    @Test
    void aCompressingListenerSendsTheHintsThenAWellFormedCompressedResponse() throws IOException {
        try (RawHttp client = RawHttp.connect(compressedPort)) {
            client.send("GET /zipped HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
            RawResponse hints = client.read();
            assertEquals(103, hints.status());
            assertNull(hints.header("Content-Encoding"));
            gate.countDown();
            RawResponse last = client.read();
            assertEquals(200, last.status());
            assertEquals("gzip", last.header("Content-Encoding"));
            try (GZIPInputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(last.body()))) {
                assertEquals(EarlyHintsBehaviour.BODY, new String(unzipped.readAllBytes(), StandardCharsets.UTF_8));
            }
            // The connection is still in step: a second request is answered too.
            client.send("GET /again HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
            assertEquals(103, client.read().status());
            assertEquals(200, client.read().status());
        }
    }

    @Test
    void aHealthCheckJudgesTheFinalResponseNotTheHints() throws IOException {
        // A check that took the 103 for its answer would fail every time: two in a row take the member out.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> checked.requests().stream()
                                .filter(r -> r.target().equals("/health"))
                                .count()
                        >= 4);
        BackendStatus status = ((ProxyHttpComponent) serai.context().getComponent("netty-http"))
                .backendHealth().statuses().stream()
                        .filter(s -> s.backend().equals(checked.url()))
                        .findFirst()
                        .orElseThrow();
        assertTrue(status.available(), status.reason());
        try (RawHttp client = RawHttp.connect(checkedPort)) {
            client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(103, client.read().status());
            assertEquals(200, client.read().status());
        }
    }

    @Test
    void aMergedAnswerTakesNoInterimResponses() throws IOException {
        gate.countDown();
        try (RawHttp client = RawHttp.connect(mergedPort)) {
            RawResponse merged =
                    client.send("GET /both HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(200, merged.status(), "the first thing the client reads is the merged answer");
            assertFalse(merged.bodyText().isEmpty());
        }
    }
}
