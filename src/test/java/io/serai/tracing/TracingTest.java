package io.serai.tracing;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.serai.support.AccessLogLines;
import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.OtlpReceiver;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.ReceivedSpan;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing on, exporting over OTLP/HTTP to a real receiver on loopback, in front of real backends: the spans a
 * request makes, their parents and attributes, the traceparent each backend receives, and the events of
 * Serai's own decisions.
 */
@Timeout(60)
class TracingTest {

    private static final String ROUTES = """
            - beans:
                - name: onePerMinute
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties:
                    limit: 1
                    period: 1m
                    burst: 1
                - name: apiKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "alice:alice-5f0c2b7e91d4"
            - route:
                id: proxied
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/proxied?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{backend.url}}"
            - route:
                id: failing-over
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/failover/{id}"
                  steps:
                    - loadBalance:
                        failoverLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{refusing.url}}"
                          - to: "netty-http:{{backend.url}}"
            - route:
                id: cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/cached?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:{{cacheable.url}}"
            - route:
                id: limited
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/limited?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: onePerMinute
                        steps:
                          - to: "netty-http:{{backend.url}}"
            - route:
                id: breaking
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/breaking?matchOnUriPrefix=true"
                  steps:
                    - circuitBreaker:
                        resilience4jConfiguration:
                          failureRateThreshold: 50
                          slidingWindowSize: 2
                          minimumNumberOfCalls: 2
                          waitDurationInOpenState: 60
                        steps:
                          - to: "netty-http:{{failing.url}}"
            - route:
                id: probed
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/probed?matchOnUriPrefix=true"
                  steps:
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:{{probed.url}}?healthCheckPath=/probe&healthCheckInterval=200ms"
            - route:
                id: keyed
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/keyed?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: apiKeys
                    - to: "netty-http:{{backend.url}}"
            """;

    @TempDir
    static Path dir;

    static OtlpReceiver receiver;
    static TestBackend backend;
    static TestBackend cacheable;
    static TestBackend failing;
    static TestBackend probed;
    static RunningSerai serai;
    static Path accessLog;
    static int adminPort;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        backend = TestBackend.start("backend");
        cacheable = TestBackend.start("cacheable")
                .respondWith(Behaviours.status(200, Map.of("Cache-Control", "max-age=60"), "cached"));
        failing = TestBackend.start("failing").respondWith(Behaviours.status(500, Map.of(), "down"));
        probed = TestBackend.start("probed");
        accessLog = dir.resolve("access.log");
        adminPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("serai.tracing.enabled", "true")
                .property("serai.access-log", accessLog)
                .property("serai.admin.port", adminPort)
                .property("otel.exporter.otlp.protocol", "http/protobuf")
                .property("otel.exporter.otlp.endpoint", receiver.httpEndpoint())
                .property("otel.bsp.schedule.delay", "50")
                .property("backend.url", backend.url())
                .property("cacheable.url", cacheable.url())
                .property("failing.url", failing.url())
                .property("probed.url", probed.url())
                .property("refusing.url", TestBackend.refusingUrl())
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {serai, backend, cacheable, failing, probed, receiver}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @BeforeEach
    void forgetEarlierSpans() {
        receiver.clear();
    }

    @Test
    void aProxiedRequestMakesAServerSpanAndAClientSpanWhoseContextTheBackendReceives() throws Exception {
        RawResponse r =
                RawHttp.get(serai.port(), "/proxied/items?x=1", "User-Agent", "tracing-test", "X-Request-Id", "r-1");

        assertEquals(200, r.status(), r.bodyText());
        String[] sent = backend.lastRequest().header("traceparent").split("-");
        List<ReceivedSpan> trace = receiver.awaitTrace(sent[1], 2);
        ReceivedSpan server = only(trace, SpanKind.SPAN_KIND_SERVER);
        ReceivedSpan client = only(trace, SpanKind.SPAN_KIND_CLIENT);
        assertEquals("GET /proxied/*", server.name());
        assertEquals("", server.parentSpanId(), "a request without traceparent starts a trace");
        assertEquals("GET", server.attribute("http.request.method"));
        assertEquals("/proxied/items", server.attribute("url.path"));
        assertEquals("http", server.attribute("url.scheme"));
        assertEquals("/proxied/*", server.attribute("http.route"));
        assertEquals("200", server.attribute("http.response.status_code"));
        assertEquals("1.1", server.attribute("network.protocol.version"));
        assertEquals("127.0.0.1", server.attribute("client.address"));
        assertEquals("tracing-test", server.attribute("user_agent.original"));
        assertEquals("proxied", server.attribute("serai.route.id"));
        assertNull(server.attribute("error.type"));

        assertEquals("GET", client.name());
        assertEquals(server.spanId(), client.parentSpanId());
        assertEquals(client.spanId(), sent[2], "the backend's traceparent names the client span");
        // sampled (01), and for a trace Serai started also random (02, W3C Trace Context level 2)
        assertEquals(1, Integer.parseInt(sent[3], 16) & 1, sent[3]);
        assertEquals("127.0.0.1", client.attribute("server.address"));
        assertEquals(String.valueOf(backend.port()), client.attribute("server.port"));
        assertEquals(backend.url() + "/items?x=REDACTED", client.attribute("url.full"));
        assertEquals("200", client.attribute("http.response.status_code"));
        assertNull(client.attribute("http.request.resend_count"));
        assertNull(client.attribute("error.type"));

        assertEquals(
                sent[1], AccessLogLines.await(accessLog, "r-1").path("trace_id").asText());
    }

    @Test
    void aClientsTraceIsContinuedWithItsTracestateAndBaggage() throws Exception {
        String traceId = hex(16);
        String parent = hex(8);
        RawResponse r = RawHttp.get(
                serai.port(),
                "/proxied/continued",
                "traceparent",
                "00-" + traceId + "-" + parent + "-01",
                "tracestate",
                "vendor=abc",
                "baggage",
                "tenant=t1");

        assertEquals(200, r.status(), r.bodyText());
        var received = backend.lastRequest();
        String[] sent = received.header("traceparent").split("-");
        assertEquals(traceId, sent[1]);
        assertNotEquals(parent, sent[2]);
        assertEquals("vendor=abc", received.header("tracestate"));
        assertEquals("tenant=t1", received.header("baggage"));
        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 2);
        ReceivedSpan server = only(trace, SpanKind.SPAN_KIND_SERVER);
        assertEquals(parent, server.parentSpanId());
        assertEquals(sent[2], only(trace, SpanKind.SPAN_KIND_CLIENT).spanId());
    }

    @Test
    void anUnsampledRequestStillPassesAContextOn() throws Exception {
        String traceId = hex(16);
        RawResponse r = RawHttp.get(
                serai.port(),
                "/proxied/unsampled",
                "traceparent",
                "00-" + traceId + "-" + hex(8) + "-00",
                "X-Request-Id",
                "unsampled-1");

        assertEquals(200, r.status(), r.bodyText());
        String[] sent = backend.lastRequest().header("traceparent").split("-");
        assertEquals(traceId, sent[1]);
        assertEquals("00", sent[3]);
        assertTrue(receiver.trace(traceId).isEmpty());
        // Its trace is never exported: the access log names none.
        assertTrue(
                AccessLogLines.await(accessLog, "unsampled-1").path("trace_id").isMissingNode());
    }

    @Test
    void eachFailoverAttemptIsAClientSpanWithItsResendCount() throws Exception {
        String traceId = hex(16);
        RawResponse r = RawHttp.get(serai.port(), "/failover/7", "traceparent", "00-" + traceId + "-" + hex(8) + "-01");

        assertEquals(200, r.status(), r.bodyText());
        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 3);
        ReceivedSpan server = only(trace, SpanKind.SPAN_KIND_SERVER);
        assertEquals("GET /failover/{id}", server.name());
        List<ReceivedSpan> attempts = trace.stream()
                .filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT)
                .toList();
        assertEquals(2, attempts.size(), trace.toString());
        ReceivedSpan refused = attempts.stream()
                .filter(a -> a.attribute("http.request.resend_count") == null)
                .findFirst()
                .orElseThrow();
        ReceivedSpan resent =
                attempts.stream().filter(a -> a != refused).findFirst().orElseThrow();
        assertEquals("connect", refused.attribute("error.type"), refused.toString());
        assertNull(refused.attribute("http.response.status_code"));
        assertEquals("1", resent.attribute("http.request.resend_count"), resent.toString());
        assertEquals("200", resent.attribute("http.response.status_code"));
        attempts.forEach(a -> assertEquals(server.spanId(), a.parentSpanId()));
        assertNotEquals(refused.attribute("serai.member"), resent.attribute("serai.member"));
    }

    @Test
    void aCacheHitIsAnEventOnTheServerSpanAndCallsNoBackend() throws Exception {
        String first = hex(16);
        String second = hex(16);
        RawHttp.get(serai.port(), "/cached/a", "traceparent", "00-" + first + "-" + hex(8) + "-01");
        RawResponse hit = RawHttp.get(serai.port(), "/cached/a", "traceparent", "00-" + second + "-" + hex(8) + "-01");

        assertEquals(200, hit.status());
        ReceivedSpan missed = only(receiver.awaitTrace(first, 2), SpanKind.SPAN_KIND_SERVER);
        assertEquals(
                "fwd=uri-miss", missed.eventAttributes("serai.cache").get("serai.cache.result"), missed.toString());
        List<ReceivedSpan> hitTrace = receiver.awaitTrace(second, 1);
        ReceivedSpan served = only(hitTrace, SpanKind.SPAN_KIND_SERVER);
        assertEquals("hit", served.eventAttributes("serai.cache").get("serai.cache.result"), served.toString());
        assertEquals(1, hitTrace.size(), hitTrace.toString());
    }

    @Test
    void aRateLimitRefusalIsAnEvent() throws Exception {
        RawHttp.get(serai.port(), "/limited/a");
        String traceId = hex(16);
        RawResponse refused =
                RawHttp.get(serai.port(), "/limited/a", "traceparent", "00-" + traceId + "-" + hex(8) + "-01");

        assertEquals(429, refused.status());
        ReceivedSpan server = only(receiver.awaitTrace(traceId, 1), SpanKind.SPAN_KIND_SERVER);
        assertTrue(server.eventNames().contains("serai.rate_limit.refused"), server.toString());
        assertEquals("429", server.attribute("http.response.status_code"));
    }

    @Test
    void anOpenBreakerIsAnEventAndTheAnswerAnError() throws Exception {
        RawHttp.get(serai.port(), "/breaking/a");
        RawHttp.get(serai.port(), "/breaking/a");
        String traceId = hex(16);
        RawResponse refused =
                RawHttp.get(serai.port(), "/breaking/a", "traceparent", "00-" + traceId + "-" + hex(8) + "-01");

        assertEquals(503, refused.status(), refused.bodyText());
        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 1);
        ReceivedSpan server = only(trace, SpanKind.SPAN_KIND_SERVER);
        assertTrue(server.eventNames().contains("serai.breaker.open"), server.toString());
        assertFalse(
                server.eventAttributes("serai.breaker.open").get("serai.member").isEmpty());
        assertEquals("unavailable", server.attribute("error.type"));
        assertEquals(1, trace.size(), "an open breaker calls no backend: " + trace);
    }

    @Test
    void anAccessRefusalNamesTheCheckAndNoCredential() throws Exception {
        String traceId = hex(16);
        RawResponse refused = RawHttp.get(
                serai.port(),
                "/keyed/a",
                "traceparent",
                "00-" + traceId + "-" + hex(8) + "-01",
                "X-Api-Key",
                "wrong-key-value");

        assertEquals(401, refused.status());
        ReceivedSpan server = only(receiver.awaitTrace(traceId, 1), SpanKind.SPAN_KIND_SERVER);
        assertEquals(
                "api-key", server.eventAttributes("serai.access.refused").get("serai.access.check"), server.toString());
        assertFalse(server.toString().contains("wrong-key-value"), server.toString());
    }

    @Test
    void exportedSpansAreCountedOnTheAdminMetrics() throws Exception {
        RawHttp.get(serai.port(), "/proxied/counted");
        Waits.upTo(Waits.PROMPTLY)
                .until(() -> MetricScrape.value(adminPort, "serai_tracing_spans_exported_total") >= 2);
        assertEquals(0, MetricScrape.value(adminPort, "serai_tracing_spans_dropped_total"));
    }

    @Test
    void healthChecksMakeNoSpanAndSendNoTraceContext() throws Exception {
        // A probe has reached the backend, then a request's trace is exported: a probe's span, had there been
        // one, ended before that request's and would have been exported with or before it.
        long probes = probes();
        Waits.upTo(Waits.PROMPTLY).until(() -> probes() > probes);
        String traceId = hex(16);
        RawResponse r = RawHttp.get(serai.port(), "/probed/a", "traceparent", "00-" + traceId + "-" + hex(8) + "-01");
        assertEquals(200, r.status(), r.bodyText());
        receiver.awaitTrace(traceId, 2);

        List<io.serai.support.RecordedRequest> probed = this.probedRequests();
        assertFalse(probed.isEmpty());
        probed.forEach(q -> assertNull(q.header("traceparent"), q.toString()));
        assertTrue(
                receiver.spans().stream()
                        .noneMatch(s -> s.attributes().values().stream().anyMatch(v -> v.endsWith("/probe"))),
                receiver.spans().toString());
    }

    private long probes() {
        return probedRequests().size();
    }

    private List<io.serai.support.RecordedRequest> probedRequests() {
        return probed.requests().stream()
                .filter(q -> q.target().equals("/probe"))
                .toList();
    }

    static ReceivedSpan only(List<ReceivedSpan> spans, SpanKind kind) {
        List<ReceivedSpan> of = spans.stream().filter(s -> s.kind() == kind).toList();
        assertEquals(1, of.size(), spans.toString());
        return of.get(0);
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
