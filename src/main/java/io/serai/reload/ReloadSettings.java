package io.serai.reload;

import io.serai.config.SettingValues;

import java.time.Duration;
import java.util.function.UnaryOperator;

/** serai.reload.*: whether route files are watched, how often, and how long in-flight requests may finish. */
public record ReloadSettings(boolean enabled, Duration interval, Duration drainTimeout) {

    public static ReloadSettings from(UnaryOperator<String> lookup) {
        return new ReloadSettings(
                SettingValues.bool("serai.reload.enabled", or(lookup.apply("serai.reload.enabled"), "true")),
                SettingValues.duration("serai.reload.interval", or(lookup.apply("serai.reload.interval"), "500ms")),
                SettingValues.duration("serai.reload.drain-timeout",
                        or(lookup.apply("serai.reload.drain-timeout"), "30s")));
    }

    private static String or(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
