package io.serai.ingress;

import io.serai.settings.SettingValues;

import java.util.function.UnaryOperator;

/**
 * Whether Serai's listeners speak HTTP/2 to clients: {@code serai.http2.enabled} (default true: h2 by
 * ALPN on https:// listeners, h2c by prior knowledge on cleartext ones; false: HTTP/1.1 only, as before),
 * and {@code serai.http2.max-concurrent-streams} (default 100), the SETTINGS_MAX_CONCURRENT_STREAMS each
 * client connection is given. Parsed once at start; a bad value fails the start naming the key.
 */
public record Http2EdgeSettings(boolean enabled, int maxConcurrentStreams) {

    public static final String ENABLED = "serai.http2.enabled";
    public static final String MAX_CONCURRENT_STREAMS = "serai.http2.max-concurrent-streams";

    public static final Http2EdgeSettings DEFAULTS = from(key -> null);

    public static Http2EdgeSettings from(UnaryOperator<String> lookup) {
        return new Http2EdgeSettings(
                SettingValues.bool(ENABLED, SettingValues.orDefault(lookup, ENABLED, "true")),
                SettingValues.wholeNumber(
                        MAX_CONCURRENT_STREAMS, SettingValues.orDefault(lookup, MAX_CONCURRENT_STREAMS, "100"), 1));
    }
}
