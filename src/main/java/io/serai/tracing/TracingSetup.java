package io.serai.tracing;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns tracing on for a context: the SDK as a Camel service (bound as {@value TracingService#BEAN_NAME},
 * stopped with the context), the server spans' route policy and the span meters. Called only when
 * {@code serai.tracing.enabled} is true, so that with tracing off no OpenTelemetry class is loaded.
 */
public final class TracingSetup {

    private TracingSetup() {}

    public static void install(CamelContext context, TracingSettings settings, MeterRegistry registry) {
        Map<String, String> otel = new HashMap<>();
        context.getPropertiesComponent()
                .loadProperties(key -> key.startsWith("otel."))
                .forEach((k, v) -> otel.put(k.toString(), v.toString()));
        TracingService service = new TracingService(otel);
        try {
            context.addService(service);
        } catch (Exception e) {
            throw new IllegalStateException("serai: tracing could not start: " + e.getMessage(), e);
        }
        context.getRegistry().bind(TracingService.BEAN_NAME, service);
        service.counts().bindTo(registry);
        context.addRoutePolicyFactory(new ServerSpans(service, settings.clientAddress()));
    }
}
