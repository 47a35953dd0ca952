package io.serai.health;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Passive ejection, as Envoy's outlier detection: {@code consecutiveFailures} connection failures,
 * time-outs or 5xx in a row eject a backend for {@code ejectionTime}, longer each time it is ejected
 * again, up to {@code maxEjectionTime}. Zero consecutive failures turns it off. A load balancer keeps
 * at most {@code maxEjectionPercent} of its members out by ejection at once (but always one of two or
 * more), as Envoy's {@code max_ejection_percent}: a route-wide burst of 5xx must not empty the pool.
 */
public record PassiveHealthSettings(
        int consecutiveFailures, Duration ejectionTime, Duration maxEjectionTime, int maxEjectionPercent) {

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
                        SettingValues.orDefault(lookup, "serai.health.passive.max-ejection-time", "300s")),
                percent(lookup));
    }

    private static int percent(UnaryOperator<String> lookup) {
        String key = "serai.health.passive.max-ejection-percent";
        int percent = SettingValues.wholeNumber(key, SettingValues.orDefault(lookup, key, "50"), 0);
        if (percent > 100) {
            throw new IllegalArgumentException(key + "=" + percent + " is invalid: expected 0 to 100");
        }
        return percent;
    }

    /**
     * How many of a load balancer's {@code members} may be ejected at once: {@code maxEjectionPercent}
     * of them rounded down, but at least one of two or more (a pool of one is never ejected, as nginx
     * never marks a lone server unavailable) unless the percentage is 0.
     */
    public int ejectionCap(int members) {
        int cap = members * maxEjectionPercent / 100;
        return maxEjectionPercent > 0 && members >= 2 ? Math.max(1, cap) : cap;
    }

    public static PassiveHealthSettings defaults() {
        return from(key -> null);
    }

    public boolean enabled() {
        return consecutiveFailures > 0;
    }
}
