package io.serai.tracing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@code OTEL_*} / {@code otel.*} value the SDK refuses is a setting mistake: an IllegalArgumentException
 * naming {@code serai.tracing}, which a start and {@code --check} print as one line and exit 2 on.
 */
class TracingSetupTest {

    @Test
    void aValueTheSdkRefusesIsASettingMistake() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties otel = new Properties();
            otel.setProperty("otel.propagators", "xray");
            context.getPropertiesComponent().setOverrideProperties(otel);

            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class,
                    () -> TracingSetup.install(context, new TracingSettings(true, true), new SimpleMeterRegistry()));

            assertTrue(refused.getMessage().startsWith("serai.tracing: "), refused.getMessage());
            assertTrue(refused.getMessage().contains("xray"), refused.getMessage());
            assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
        }
    }
}
