package io.serai.tracing;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code serai_tracing_spans_exported_total} and {@code serai_tracing_spans_dropped_total}. Exported spans are
 * counted by wrapping the exporter (a batch counts once the exporter reports it sent). Drops happen inside the
 * SDK's BatchSpanProcessor when its queue is full; it counts them only in its own OpenTelemetry metrics, so the
 * SDK's meter provider gets this class's in-process reader, which Micrometer reads at each scrape: the
 * processor's counter stays the one source of truth and nothing is exported as OTel metrics.
 */
final class SpanCounts implements MeterBinder {

    private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final LongAdder exported = new LongAdder();
    private final ProcessorMetrics reader = new ProcessorMetrics();

    SpanExporter counting(SpanExporter exporter) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                int n = spans.size();
                CompletableResultCode result = exporter.export(spans);
                result.whenComplete(() -> {
                    if (result.isSuccess()) {
                        exported.add(n);
                    }
                });
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return exporter.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return exporter.shutdown();
            }
        };
    }

    MetricReader reader() {
        return reader;
    }

    long exported() {
        return exported.sum();
    }

    /**
     * Spans the batch processor dropped: its legacy counter ({@code processedSpans}, {@code dropped=true}) or,
     * with {@code otel.experimental.sdk.telemetry.version=latest}, {@code otel.sdk.processor.span.processed}
     * with an {@code error.type}.
     */
    long dropped() {
        long sum = 0;
        for (MetricData metric : reader.collect()) {
            boolean legacy = metric.getName().equals("processedSpans");
            boolean latest = metric.getName().equals("otel.sdk.processor.span.processed");
            if (!legacy && !latest) {
                continue;
            }
            for (var point : metric.getData().getPoints()) {
                if (point instanceof LongPointData count
                        && (legacy && Boolean.TRUE.equals(point.getAttributes().get(DROPPED))
                                || latest && point.getAttributes().get(ERROR_TYPE) != null)) {
                    sum += count.getValue();
                }
            }
        }
        return sum;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("serai.tracing.spans.exported", this, SpanCounts::exported)
                .description("Spans the OTLP exporter sent")
                .register(registry);
        FunctionCounter.builder("serai.tracing.spans.dropped", this, SpanCounts::dropped)
                .description("Spans dropped because the batch span processor's queue was full")
                .register(registry);
    }

    /** A MetricReader that only answers when Micrometer asks: no thread, no export. */
    private static final class ProcessorMetrics implements MetricReader {
        private volatile CollectionRegistration registration;

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        Collection<MetricData> collect() {
            CollectionRegistration r = registration;
            return r == null ? java.util.List.of() : r.collectAllMetrics();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public MemoryMode getMemoryMode() {
            return MemoryMode.IMMUTABLE_DATA;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
