package io.serai.tracing;

import io.serai.support.AccessLogLines;
import io.serai.support.MetricScrape;
import io.serai.support.OtlpReceiver;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing off (the default), even with an OTLP endpoint configured: trace headers reach the backend exactly
 * as the client sent them, nothing is exported, and the access log still names the client's trace.
 */
@Timeout(60)
class TracingOffTest {

    @TempDir
    static Path dir;

    static OtlpReceiver receiver;
    static TestBackend backend;
    static RunningSerai serai;
    static Path accessLog;
    static int adminPort;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        backend = TestBackend.start("backend");
        accessLog = dir.resolve("access.log");
        adminPort = RunningSerai.freePort();
        serai = RunningSerai.proxyTo(backend)
                .property("serai.access-log", accessLog)
                .property("serai.admin.port", adminPort)
                .property("otel.exporter.otlp.endpoint", receiver.httpEndpoint())
                .property("otel.bsp.schedule.delay", "50")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {serai, backend, receiver}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void traceHeadersPassThroughByteForByteAndNothingIsExported() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        RawResponse r = RawHttp.get(
                serai.port(),
                "/off",
                "traceparent",
                traceparent,
                "tracestate",
                "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
                "baggage",
                "userId=alice,serverNode=DF%2028",
                "X-Request-Id",
                "off-1");

        assertEquals(200, r.status(), r.bodyText());
        RecordedRequest received = backend.lastRequest();
        assertEquals(traceparent, received.header("traceparent"));
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", received.header("tracestate"));
        assertEquals("userId=alice,serverNode=DF%2028", received.header("baggage"));
        assertEquals(
                "4bf92f3577b34da6a3ce929d0e0e4736",
                AccessLogLines.await(accessLog, "off-1").path("trace_id").asText());
        assertEquals(0, receiver.exports());
        assertFalse(
                RawHttp.get(adminPort, "/metrics").bodyText().contains("serai_tracing_spans"),
                "no tracing meters while tracing is off");
        assertEquals(0, MetricScrape.value(adminPort, "serai_tracing_spans_exported_total"));
    }

    @Test
    void aRequestWithoutAValidTraceparentHasNoTraceIdInTheAccessLog() throws Exception {
        RawResponse r = RawHttp.get(
                serai.port(),
                "/off",
                "traceparent",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "X-Request-Id",
                "off-2");

        assertEquals(200, r.status(), r.bodyText());
        assertTrue(AccessLogLines.await(accessLog, "off-2").path("trace_id").isMissingNode());
        assertFalse(backend.lastRequest().header("traceparent").isEmpty());
    }
}
