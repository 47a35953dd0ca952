package io.serai.health;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Passive ejection, as Envoy's outlier detection: {@code consecutiveFailures} connection failures,
 * time-outs or 5xx in a row eject a backend for {@code ejectionTime}, longer each time it is ejected
 * again, up to {@code maxEjectionTime}. Zero consecutive failures turns it off.
 */
public record PassiveHealthSettings(int consecutiveFailures, Duration ejectionTime, Duration maxEjectionTime) {

    public static PassiveHealthSettings from(UnaryOperator<String> lookup) {
        String failures = SettingValues.orDefault(lookup, "serai.health.passive.consecutive-failures", "5");
        int n = SettingValues.wholeNumber("serai.health.passive.consecutive-failures", failures, 0);
        return new PassiveHealthSettings(
                n,
                SettingValues.duration(
                        "serai.health.passive.ejection-time",
                        SettingValues.orDefault(lookup, "serai.health.passive.ejection-time", "30s")),
                SettingValues.duration(
                        "serai.health.passive.max-ejection-time",
                        SettingValues.orDefault(lookup, "serai.health.passive.max-ejection-time", "300s")));
    }

    public static PassiveHealthSettings defaults() {
        return from(key -> null);
    }

    public boolean enabled() {
        return consecutiveFailures > 0;
    }
}
