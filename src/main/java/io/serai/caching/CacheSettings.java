package io.serai.caching;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.cache.*} settings: how many bytes the shared cache holds, the largest response it
 * stores, how long concurrent misses wait for the one request that fetches, and how long a stale
 * response is kept so it can be revalidated instead of fetched again.
 */
public record CacheSettings(long maxSize, long maxObject, Duration coalesceTimeout, Duration staleRetention) {

    public static CacheSettings from(UnaryOperator<String> lookup) {
        long maxSize = SettingValues.bytes(
                "serai.cache.max-size", SettingValues.orDefault(lookup, "serai.cache.max-size", "32MiB"));
        long maxObject = SettingValues.bytes(
                "serai.cache.max-object", SettingValues.orDefault(lookup, "serai.cache.max-object", "8MiB"));
        Duration coalesce = SettingValues.duration(
                "serai.cache.coalesce-timeout", SettingValues.orDefault(lookup, "serai.cache.coalesce-timeout", "5s"));
        Duration retention = SettingValues.duration(
                "serai.cache.stale-retention", SettingValues.orDefault(lookup, "serai.cache.stale-retention", "10m"));
        if (maxObject > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("serai.cache.max-object: \"" + maxObject + "\" is over 1GiB");
        }
        if (maxObject > maxSize) {
            throw new IllegalArgumentException("serai.cache.max-object (" + maxObject
                    + " bytes) is larger than serai.cache.max-size (" + maxSize + " bytes)");
        }
        return new CacheSettings(maxSize, maxObject, coalesce, retention);
    }
}
