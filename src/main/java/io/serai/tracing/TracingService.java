package io.serai.tracing;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK while tracing is on: built by the SDK's autoconfiguration from {@code OTEL_*} and
 * {@code otel.*} (over {@code otel.*} keys of Serai's own properties, which they override), exporting traces
 * only; shut down with the Camel context, so the batch span processor sends what it holds.
 *
 * <p>Why not camel-opentelemetry2: it traces Camel's own steps (a span per route and per endpoint the
 * exchange is sent to, through Camel's tracing strategy), while a Serai request's hops are not Camel steps:
 * {@code io.serai.upstream} sends each retry, failover and fan-out attempt through its own Netty client inside
 * one producer call, where Camel
 * sees one "to" and could give the attempts neither their own CLIENT spans nor the {@code traceparent} of
 * each. Its span names and attributes are Camel's (endpoint URIs), not the HTTP semantic conventions', and it
 * would add a span per processor of every route. So the SDK is used directly, at the two ends of the path.
 *
 * <p>Spans begin when a route's exchange begins ({@link ServerSpans}): an answer the ingress gives before any
 * route runs (404 no route, 405, 413, 431, a malformed request) makes no span. The access log and the request
 * metrics still count it.
 */
final class TracingService extends ServiceSupport {

    static final String BEAN_NAME = "seraiTracing";
    private static final String INSTRUMENTATION = "io.serai";

    private final OpenTelemetrySdk sdk;
    private final SpanCounts counts;
    // Looked up once: every request's server and client spans use these two.
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    /** {@code properties}: the {@code otel.*} keys Serai's configuration holds, overridden by env and system properties. */
    TracingService(Map<String, String> properties) {
        this.counts = new SpanCounts();
        this.sdk = AutoConfiguredOpenTelemetrySdk.builder()
                // OTLP over HTTP/protobuf unless told otherwise: the specification's default (port 4318), where
                // the Java SDK alone would default to gRPC and send it to an HTTP port given by the endpoint.
                .addPropertiesSupplier(() -> withDefaults(properties))
                // Serai exports traces; its metrics are Micrometer's on the admin listener, its logs its own.
                .addPropertiesCustomizer(
                        config -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                .addResourceCustomizer((resource, config) -> serviceNamed(resource))
                .addSpanExporterCustomizer((exporter, config) -> counts.counting(exporter))
                .addMeterProviderCustomizer((meters, config) -> meters.registerMetricReader(counts.reader()))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        this.tracer = sdk.getTracer(INSTRUMENTATION);
        this.propagator = sdk.getPropagators().getTextMapPropagator();
    }

    private static Map<String, String> withDefaults(Map<String, String> properties) {
        Map<String, String> all = new java.util.HashMap<>(properties);
        all.putIfAbsent("otel.exporter.otlp.protocol", "http/protobuf");
        return all;
    }

    /** {@code serai} unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES named the service. */
    private static Resource serviceNamed(Resource resource) {
        String name = resource.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("service.name"));
        if (name == null || name.startsWith("unknown_service")) {
            return resource.merge(
                    Resource.builder().put("service.name", "serai").build());
        }
        return resource;
    }

    Tracer tracer() {
        return tracer;
    }

    TextMapPropagator propagator() {
        return propagator;
    }

    SpanCounts counts() {
        return counts;
    }

    @Override
    protected void doStop() {
        // Flushes the batch processor's queue to the exporter, then closes it.
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
}
