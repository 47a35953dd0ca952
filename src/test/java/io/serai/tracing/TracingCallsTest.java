package io.serai.tracing;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.serai.support.Behaviours;
import io.serai.support.OtlpReceiver;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.ReceivedSpan;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.serai.tracing.TracingTest.hex;
import static io.serai.tracing.TracingTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing on, what the client spans of a request's backend calls say: no query value in {@code url.full},
 * a resend count only for one call's further attempts, no span for a background revalidation, and a
 * streamed answer cut short is a failed server span.
 */
@Timeout(60)
class TracingCallsTest {

    private static final String ROUTES = """
            - beans:
                - name: threeTries
                  type: "#class:io.serai.resilience.RetryPolicy"
                  properties:
                    attempts: 3
                    budget: 1.0
                    minRetriesPerSecond: 100
                    backoff: 1ms
            - route:
                id: retried
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/retried?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: threeTries
                        steps:
                          - to: "netty-http:{{unavailable.url}}"
            - route:
                id: proxied
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/proxied?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{backend.url}}"
            - route:
                id: twice
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/twice?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{backend.url}}"
                    - to: "netty-http:{{backend.url}}"
            - route:
                id: cut
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/cut?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{truncating.url}}"
            - route:
                id: revalidated
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/swr?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:{{stale.url}}"
            """;

    @TempDir
    static Path dir;

    static OtlpReceiver receiver;
    static TestBackend backend;
    static TestBackend truncating;
    static TestBackend stale;
    static TestBackend unavailable;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        backend = TestBackend.start("backend");
        truncating = TestBackend.start("truncating").respondWith(Behaviours.truncated());
        stale = TestBackend.start("stale")
                .respondWith(Behaviours.status(
                        200, Map.of("Cache-Control", "max-age=10, stale-while-revalidate=60", "Age", "15"), "kept"));
        unavailable = TestBackend.start("unavailable").respondWith(Behaviours.status(503, Map.of(), "down"));
        serai = RunningSerai.routes(ROUTES)
                .property("serai.tracing.enabled", "true")
                .property("serai.access-log", "off")
                .property("otel.exporter.otlp.endpoint", receiver.httpEndpoint())
                .property("otel.bsp.schedule.delay", "50")
                .property("backend.url", backend.url())
                .property("truncating.url", truncating.url())
                .property("stale.url", stale.url())
                .property("unavailable.url", unavailable.url())
                .property("serai.health.passive.consecutive-failures", 0)
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {serai, backend, truncating, stale, unavailable, receiver}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void noQueryValueIsExported() throws Exception {
        String traceId = hex(16);
        RawResponse r = RawHttp.get(
                serai.port(), "/proxied/signed?sig=secret&api_key=k&flag", "traceparent", traceparent(traceId));

        assertEquals(200, r.status(), r.bodyText());
        assertEquals("/signed?sig=secret&api_key=k&flag", backend.lastRequest().target(), "the backend gets it all");
        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 2);
        ReceivedSpan client = only(trace, SpanKind.SPAN_KIND_CLIENT);
        assertEquals(backend.url() + "/signed?sig=REDACTED&api_key=REDACTED&flag", client.attribute("url.full"));
        for (ReceivedSpan span : trace) {
            span.attributes().values().forEach(v -> {
                assertFalse(v.contains("secret"), span.toString());
                assertFalse(v.contains("api_key=k"), span.toString());
            });
        }
    }

    @Test
    void twoSequentialCallsAreEachAFirstAttempt() throws Exception {
        String traceId = hex(16);
        RawResponse r = RawHttp.get(serai.port(), "/twice/a", "traceparent", traceparent(traceId));

        assertEquals(200, r.status(), r.bodyText());
        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 3);
        List<ReceivedSpan> calls = trace.stream()
                .filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT)
                .toList();
        assertEquals(2, calls.size(), trace.toString());
        calls.forEach(c -> assertNull(c.attribute("http.request.resend_count"), c.toString()));
    }

    @Test
    void eachRetryOfOneCallCountsItsResends() throws Exception {
        String traceId = hex(16);
        RawResponse r = RawHttp.get(serai.port(), "/retried/a", "traceparent", traceparent(traceId));

        assertEquals(503, r.status(), r.bodyText());
        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 4);
        List<String> resends = trace.stream()
                .filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT)
                .map(s -> String.valueOf(s.attribute("http.request.resend_count")))
                .sorted()
                .toList();
        assertEquals(List.of("1", "2", "null"), resends, trace.toString());
    }

    @Test
    void aStreamCutShortEndsTheServerSpanWithItsKind() throws Exception {
        String traceId = hex(16);
        assertThrows(IOException.class, () -> RawHttp.get(serai.port(), "/cut/a", "traceparent", traceparent(traceId)));

        List<ReceivedSpan> trace = receiver.awaitTrace(traceId, 2);
        ReceivedSpan server = only(trace, SpanKind.SPAN_KIND_SERVER);
        assertEquals("200", server.attribute("http.response.status_code"), server.toString());
        // The body ended before its Content-Length: as serai_stream_failures_total names it.
        assertTrue(
                Set.of("truncated", "backend-reset").contains(String.valueOf(server.attribute("error.type"))),
                server.toString());
        assertEquals(
                io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                server.span().getStatus().getCode());
    }

    @Test
    void aBackgroundRevalidationMakesNoSpanAndSendsNoTraceContext() throws Exception {
        String first = hex(16);
        assertEquals(
                200,
                RawHttp.get(serai.port(), "/swr/a", "traceparent", traceparent(first))
                        .status());
        receiver.awaitTrace(first, 2);
        // Stored already stale (Age 15 > max-age 10): the next request gets it at once, and one refresh goes on.
        String servedStale = hex(16);
        RawResponse r = RawHttp.get(serai.port(), "/swr/a", "traceparent", traceparent(servedStale));
        assertEquals("kept", r.bodyText());
        assertTrue(
                String.valueOf(r.header("Cache-Status")).contains("stale-while-revalidate"), r.header("Cache-Status"));
        Waits.upTo(Waits.PROMPTLY).until(() -> stale.requests().size() >= 2);
        RecordedRequest refresh = stale.requests().get(1);
        assertNull(refresh.header("traceparent"), refresh.toString());
        // A later request's trace, exported after the refresh ended: the stale answer's trace is still alone.
        String later = hex(16);
        RawHttp.get(serai.port(), "/proxied/later", "traceparent", traceparent(later));
        receiver.awaitTrace(later, 2);
        List<ReceivedSpan> staleTrace = receiver.trace(servedStale);
        assertEquals(1, staleTrace.size(), staleTrace.toString());
        assertEquals(SpanKind.SPAN_KIND_SERVER, staleTrace.get(0).kind());
    }

    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + hex(8) + "-01";
    }
}
