package io.serai.caching;

import io.serai.settings.SettingValues;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.cache.*} settings: how many bytes the shared cache holds, the largest response it
 * stores, how long concurrent misses wait for the one request that fetches, and how long a stale
 * response is kept so it can be revalidated instead of fetched again. The cache lives on the heap, so by
 * default ({@code auto}) it holds a third of the JVM's largest heap: {@code -Xmx} (or, in the container,
 * the memory limit) is the one setting that scales memory, the cache with it. Serai's own targeted
 * cache-control field (RFC 9213) is named here, and whether CDN-Cache-Control goes on to clients; and
 * the largest response the shared tier writes to Redis ({@code serai.cache.shared-max-object}).
 */
public record CacheSettings(
        long maxSize,
        long maxObject,
        Duration coalesceTimeout,
        Duration staleRetention,
        String targetedField,
        boolean stripCdnCacheControl,
        long sharedMaxObject) {

    public static CacheSettings from(UnaryOperator<String> lookup) {
        String size = SettingValues.orDefault(lookup, "serai.cache.max-size", AUTO);
        long maxSize = size.trim().equalsIgnoreCase(AUTO)
                ? shareOfHeap(Runtime.getRuntime().maxMemory())
                : SettingValues.bytes("serai.cache.max-size", size);
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
        String targeted = SettingValues.orDefault(
                        lookup, "serai.cache.targeted-field", TargetedControl.DEFAULT_OWN_FIELD)
                .trim();
        if (!isTargetedFieldName(targeted)) {
            throw new IllegalArgumentException("serai.cache.targeted-field: \"" + targeted
                    + "\" is not a targeted cache-control field of its own (letters, digits, -; ending in"
                    + " -Cache-Control, such as Acme-CDN-Cache-Control; not CDN-Cache-Control)");
        }
        boolean stripCdn = SettingValues.bool(
                "serai.cache.strip-cdn-cache-control",
                SettingValues.orDefault(lookup, "serai.cache.strip-cdn-cache-control", "false"));
        long sharedMaxObject = SettingValues.bytes(
                "serai.cache.shared-max-object",
                SettingValues.orDefault(lookup, "serai.cache.shared-max-object", "1MiB"));
        return new CacheSettings(maxSize, maxObject, coalesce, retention, targeted, stripCdn, sharedMaxObject);
    }

    /**
     * A name of its own for a targeted field (RFC 9213 section 2): ends in {@code -Cache-Control}, as the
     * registered ones do, so no field HTTP defines otherwise (ETag, Set-Cookie, Content-Length) is taken
     * for cache directives and removed from answers; and not CDN-Cache-Control, which Serai reads anyway.
     */
    private static boolean isTargetedFieldName(String name) {
        String suffix = "-cache-control";
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return name.length() > suffix.length()
                && lower.endsWith(suffix)
                && !lower.equals(TargetedControl.CDN_CACHE_CONTROL.toLowerCase(java.util.Locale.ROOT))
                && name.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-');
    }

    /** {@code serai.cache.max-size=auto}: the cache follows the heap. */
    public static final String AUTO = "auto";

    /** A third of {@code maxHeap} (32 MiB of jvm.options's 96 MiB), the rest left for traffic. */
    static long shareOfHeap(long maxHeap) {
        return maxHeap / 3;
    }
}
