package io.serai.tracing;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Turns tracing on for a context: the SDK as a Camel service (bound as {@value TracingService#BEAN_NAME},
 * stopped with the context), the server spans' route policy and the span meters. Called only when
 * {@code serai.tracing.enabled} is true, so that with tracing off no OpenTelemetry class is loaded.
 */
public final class TracingSetup {

    private TracingSetup() {}

    public static void install(CamelContext context, TracingSettings settings, MeterRegistry registry) {
        TracingService service;
        try {
            service = new TracingService(otelProperties(context.getPropertiesComponent()));
        } catch (ConfigurationException e) {
            // A bad OTEL_* value is a setting to fix: one line at a start and at --check, exit 2.
            throw new IllegalArgumentException("serai.tracing: " + e.getMessage(), e);
        }
        try {
            context.addService(service);
        } catch (Exception e) {
            throw new IllegalStateException("serai: tracing could not start: " + e.getMessage(), e);
        }
        context.getRegistry().bind(TracingService.BEAN_NAME, service);
        service.counts().bindTo(registry);
        context.addRoutePolicyFactory(new ServerSpans(service, settings.clientAddress()));
    }

    /**
     * The {@code otel.*} keys of Serai's properties (application.properties, and the overrides Camel main was
     * given, which loading the properties leaves out). Read through entrySet: Camel's ordered Properties keep
     * their entries outside Hashtable's own table, which forEach would walk.
     */
    static Map<String, String> otelProperties(PropertiesComponent properties) {
        Map<String, String> otel = new HashMap<>();
        copyOtel(properties.loadProperties(key -> key.startsWith("otel.")), otel);
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent camel) {
            copyOtel(camel.getOverrideProperties(), otel);
        }
        return otel;
    }

    private static void copyOtel(Properties from, Map<String, String> to) {
        if (from == null) {
            return;
        }
        for (Map.Entry<Object, Object> e : from.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.startsWith("otel.") && e.getValue() != null) {
                to.put(key, String.valueOf(e.getValue()));
            }
        }
    }
}
