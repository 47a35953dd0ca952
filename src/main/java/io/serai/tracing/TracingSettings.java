package io.serai.tracing;

import io.serai.settings.SettingValues;

import java.util.function.Function;

/**
 * {@code serai.tracing.enabled} (off by default: no SDK is built, trace headers pass through untouched) and
 * {@code serai.tracing.client-address} (whether the server span carries {@code client.address}). Everything
 * else about the SDK (exporter, endpoint, sampler, propagators, resource) is read from the standard
 * {@code OTEL_*} variables and {@code otel.*} properties by the SDK's autoconfiguration.
 */
public record TracingSettings(boolean enabled, boolean clientAddress) {

    public static final String ENABLED = "serai.tracing.enabled";
    public static final String CLIENT_ADDRESS = "serai.tracing.client-address";

    public static TracingSettings from(Function<String, String> properties) {
        return new TracingSettings(
                SettingValues.bool(ENABLED, orDefault(properties.apply(ENABLED), "false")),
                SettingValues.bool(CLIENT_ADDRESS, orDefault(properties.apply(CLIENT_ADDRESS), "true")));
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
