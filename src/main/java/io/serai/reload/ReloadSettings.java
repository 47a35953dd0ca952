package io.serai.reload;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.function.UnaryOperator;

/** serai.reload.*: whether route files are watched, how often, and how long in-flight requests may finish. */
public record ReloadSettings(boolean enabled, Duration interval, Duration drainTimeout) {

    public static ReloadSettings from(UnaryOperator<String> lookup) {
        return new ReloadSettings(
                SettingValues.bool(
                        "serai.reload.enabled", SettingValues.orDefault(lookup, "serai.reload.enabled", "true")),
                SettingValues.duration(
                        "serai.reload.interval", SettingValues.orDefault(lookup, "serai.reload.interval", "500ms")),
                SettingValues.duration(
                        "serai.reload.drain-timeout",
                        SettingValues.orDefault(lookup, "serai.reload.drain-timeout", "30s")));
    }
}
