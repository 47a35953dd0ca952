package io.serai.support;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver takes what the OpenTelemetry SDK's own OTLP exporters send, over both protocols. */
class OtlpReceiverTest {

    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    private static OtlpReceiver receiver;

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = OtlpReceiver.start();
    }

    @AfterAll
    static void closeReceiver() {
        receiver.close();
    }

    @AfterEach
    void acceptAgain() {
        receiver.answer(OtlpReceiver.Answer.ACCEPT);
        receiver.clear();
    }

    @Test
    void spansExportedOverHttpArriveDecodedWithTheirParentAndResource() {
        SpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(receiver.httpTracesEndpoint())
                .setCompression("gzip")
                .build();

        assertTrue(exportServerAndClientSpan(exporter, "over-http").isSuccess());

        assertTreeReceived("over-http");
    }

    @Test
    void spansExportedOverGrpcArriveDecodedWithTheirParentAndResource() {
        SpanExporter exporter = OtlpGrpcSpanExporter.builder()
                .setEndpoint(receiver.grpcEndpoint())
                .build();

        assertTrue(exportServerAndClientSpan(exporter, "over-grpc").isSuccess());

        assertTreeReceived("over-grpc");
    }

    @Test
    void anUnavailableReceiverFailsTheExportAndKeepsNothing() {
        receiver.answer(OtlpReceiver.Answer.UNAVAILABLE);
        int before = receiver.exports();
        SpanExporter http = OtlpHttpSpanExporter.builder()
                .setEndpoint(receiver.httpTracesEndpoint())
                .setRetryPolicy(null)
                .build();
        SpanExporter grpc = OtlpGrpcSpanExporter.builder()
                .setEndpoint(receiver.grpcEndpoint())
                .setRetryPolicy(null)
                .build();

        assertFalse(exportServerAndClientSpan(http, "refused").isSuccess());
        assertFalse(exportServerAndClientSpan(grpc, "refused").isSuccess());

        assertEquals(before + 4, receiver.exports(), "a simple span processor exports each span alone");
        assertEquals(List.of(), receiver.spans());
    }

    @Test
    void aBlackHoleLeavesTheExportToTheExportersTimeout() {
        receiver.answer(OtlpReceiver.Answer.BLACK_HOLE);
        SpanExporter http = OtlpHttpSpanExporter.builder()
                .setEndpoint(receiver.httpTracesEndpoint())
                .setTimeout(SHORT_TIMEOUT)
                .setRetryPolicy(null)
                .build();
        SpanExporter grpc = OtlpGrpcSpanExporter.builder()
                .setEndpoint(receiver.grpcEndpoint())
                .setTimeout(SHORT_TIMEOUT)
                .setRetryPolicy(null)
                .build();

        assertFalse(exportServerAndClientSpan(http, "held").isSuccess());
        assertFalse(exportServerAndClientSpan(grpc, "held").isSuccess());

        assertEquals(List.of(), receiver.spans());
    }

    /** A server span with an event and a client span under it, exported at once; the flush's result. */
    private static CompletableResultCode exportServerAndClientSpan(SpanExporter exporter, String service) {
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)));
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build()) {
            Tracer tracer = provider.get("io.serai.test");
            Span server = tracer.spanBuilder("GET /items/{id}")
                    .setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.route", "/items/{id}")
                    .setAttribute("http.response.status_code", 200L)
                    .startSpan();
            tracer.spanBuilder("GET")
                    .setParent(Context.root().with(server))
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute("serai.member", "b1")
                    .startSpan()
                    .end();
            server.addEvent("serai.cache", Attributes.of(AttributeKey.stringKey("serai.cache.result"), "miss"));
            server.end();
            return provider.forceFlush().join(10, TimeUnit.SECONDS);
        }
    }

    private static void assertTreeReceived(String service) {
        List<ReceivedSpan> spans = receiver.awaitSpans(2);
        assertEquals(2, spans.size(), spans.toString());
        ReceivedSpan client = spans.stream()
                .filter(s -> s.kind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
                .findFirst()
                .orElseThrow();
        ReceivedSpan server = spans.stream()
                .filter(s -> s.kind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
                .findFirst()
                .orElseThrow();

        assertEquals("GET /items/{id}", server.name());
        assertEquals("", server.parentSpanId());
        assertEquals(32, server.traceId().length());
        assertEquals(server.traceId(), client.traceId());
        assertEquals(server.spanId(), client.parentSpanId());
        assertEquals("/items/{id}", server.attribute("http.route"));
        assertEquals("200", server.attribute("http.response.status_code"));
        assertEquals(Map.of("serai.cache.result", "miss"), server.eventAttributes("serai.cache"));
        assertEquals("b1", client.attribute("serai.member"));
        assertEquals(service, server.resource().get("service.name"));
        assertEquals(service, client.resource().get("service.name"));
    }

    private static ReceivedSpan only(List<ReceivedSpan> spans, io.opentelemetry.proto.trace.v1.Span.SpanKind kind) {
        List<ReceivedSpan> ofKind = spans.stream().filter(s -> s.kind() == kind).toList();
        assertEquals(1, ofKind.size(), spans.toString());
        return ofKind.get(0);
    }
}
