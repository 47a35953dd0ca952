package io.serai.tracing;

import io.serai.support.MetricScrape;
import io.serai.support.OtlpReceiver;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Tracing on with B3 propagation ({@code otel.propagators=b3multi}) and an exporter whose receiver never
 * answers, behind a batch queue of two spans: B3 is read from the client and written to the backend, and the
 * spans that do not fit the queue are counted as dropped.
 */
@Timeout(60)
class TracingB3AndDropsTest {

    @TempDir
    static Path dir;

    static OtlpReceiver blackHole;
    static TestBackend backend;
    static RunningSerai serai;
    static int adminPort;

    @BeforeAll
    static void start() throws Exception {
        blackHole = OtlpReceiver.start();
        blackHole.answer(OtlpReceiver.Answer.BLACK_HOLE);
        backend = TestBackend.start("backend");
        adminPort = RunningSerai.freePort();
        serai = RunningSerai.proxyTo(backend)
                .property("serai.tracing.enabled", "true")
                .property("serai.access-log", "off")
                .property("serai.admin.port", adminPort)
                .property("otel.propagators", "b3multi")
                .property("otel.exporter.otlp.endpoint", blackHole.httpEndpoint())
                .property("otel.exporter.otlp.timeout", "1000")
                .property("otel.bsp.max.queue.size", "2")
                .property("otel.bsp.max.export.batch.size", "1")
                .property("otel.bsp.schedule.delay", "10")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {serai, backend, blackHole}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void b3FromTheClientIsContinuedAndSentToTheBackend() throws Exception {
        String traceId = "463ac35c9f6413ad48485a3953bb6124";
        String clientSpan = "a2fb4a1d1a96d312";
        RawResponse r = RawHttp.get(
                serai.port(), "/b3", "X-B3-TraceId", traceId, "X-B3-SpanId", clientSpan, "X-B3-Sampled", "1");

        assertEquals(200, r.status(), r.bodyText());
        RecordedRequest received = backend.lastRequest();
        assertEquals(traceId, received.header("X-B3-TraceId"));
        assertNotNull(received.header("X-B3-SpanId"));
        assertNotEquals(clientSpan, received.header("X-B3-SpanId"));
        assertEquals("1", received.header("X-B3-Sampled"));
        assertNull(received.header("traceparent"), "only the configured propagator writes");
    }

    @Test
    void noOtherTraceFormatTheClientSentReachesTheBackend() throws Exception {
        // B3's extractor reads the single header first: its context is the one continued.
        String traceId = "80f198ee56343ba864fe8b2a57d3eff7";
        RawResponse r = RawHttp.get(
                serai.port(),
                "/stale",
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "tracestate",
                "vendor=stale",
                "baggage",
                "tenant=t1",
                "b3",
                "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
                "X-B3-TraceId",
                "5b8efff798038103d269b633813fc60c",
                "X-B3-SpanId",
                "eee19b7ec3c1b174",
                "X-B3-Sampled",
                "1");

        assertEquals(200, r.status(), r.bodyText());
        RecordedRequest received = backend.lastRequest();
        assertEquals(traceId, received.header("X-B3-TraceId"), "the configured propagator's context, continued");
        for (String field : new String[] {"traceparent", "tracestate", "baggage", "b3"}) {
            assertNull(received.header(field), field + " reached the backend: " + received);
        }
    }

    @Test
    void spansThatDoNotFitTheQueueAreCountedAsDropped() throws Exception {
        Waits.upTo(Waits.PROMPTLY).until(() -> {
            RawHttp.get(serai.port(), "/dropped");
            return MetricScrape.value(adminPort, "serai_tracing_spans_dropped_total") > 0;
        });
        assertEquals(0, MetricScrape.value(adminPort, "serai_tracing_spans_exported_total"));
    }
}
