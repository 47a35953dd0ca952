package io.serai.settings;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The settings of the proxy path, read once at start from application.properties (and their
 * system-property or environment overrides). Each value is checked here so a bad one fails at start
 * with the key and the value in the message, never at request time.
 */
public record ProxySettings(
        Duration upstreamTimeout,
        Duration upstreamConnectTimeout,
        Duration upstreamIdleTimeout,
        long maxResponseBody,
        long maxBody,
        int maxHeader,
        int maxUri,
        boolean offload,
        String viaName,
        Duration clientHeaderTimeout,
        Duration clientIdleTimeout,
        int maxConnections,
        boolean allowEncodedSlash,
        int streamWindow,
        long replayBuffer,
        Duration readIdleTimeout,
        Duration clientWriteTimeout,
        Duration webSocketIdleTimeout,
        Duration upstreamKeepAliveTimeout,
        int upstreamHttp2MaxStreams) {

    /** Reads every setting through {@code lookup}, which returns a property's value or null when unset. */
    public static ProxySettings from(UnaryOperator<String> lookup) {
        return new ProxySettings(
                SettingValues.duration("serai.upstream.timeout", value(lookup, "serai.upstream.timeout", "60s")),
                SettingValues.duration(
                        "serai.upstream.connect-timeout", value(lookup, "serai.upstream.connect-timeout", "5s")),
                SettingValues.duration(
                        "serai.upstream.idle-timeout", value(lookup, "serai.upstream.idle-timeout", "30s")),
                SettingValues.bytes(
                        "serai.upstream.max-response-body", value(lookup, "serai.upstream.max-response-body", "16MiB")),
                SettingValues.bytes("serai.limits.max-body", value(lookup, "serai.limits.max-body", "1GiB")),
                intBytes("serai.limits.max-header", value(lookup, "serai.limits.max-header", "32KiB")),
                intBytes("serai.limits.max-uri", value(lookup, "serai.limits.max-uri", "8KiB")),
                SettingValues.bool("serai.ingress.offload", value(lookup, "serai.ingress.offload", "false")),
                value(lookup, "serai.via.name", "serai"),
                SettingValues.duration(
                        "serai.client.header-timeout", value(lookup, "serai.client.header-timeout", "10s")),
                SettingValues.duration("serai.client.idle-timeout", value(lookup, "serai.client.idle-timeout", "60s")),
                positive("serai.limits.max-connections", value(lookup, "serai.limits.max-connections", "10000")),
                SettingValues.bool(
                        "serai.path.allow-encoded-slash", value(lookup, "serai.path.allow-encoded-slash", "false")),
                intBytes("serai.stream.window", value(lookup, "serai.stream.window", "256KiB")),
                SettingValues.bytes("serai.stream.replay-buffer", value(lookup, "serai.stream.replay-buffer", "64KiB")),
                SettingValues.duration(
                        "serai.upstream.read-idle-timeout", value(lookup, "serai.upstream.read-idle-timeout", "60s")),
                SettingValues.duration(
                        "serai.client.write-timeout", value(lookup, "serai.client.write-timeout", "60s")),
                SettingValues.duration(
                        "serai.websocket.idle-timeout", value(lookup, "serai.websocket.idle-timeout", "5m")),
                SettingValues.duration(
                        "serai.upstream.keep-alive-timeout", value(lookup, "serai.upstream.keep-alive-timeout", "4s")),
                positive(
                        "serai.upstream.http2.max-concurrent-streams",
                        value(lookup, "serai.upstream.http2.max-concurrent-streams", "100")));
    }

    public static ProxySettings defaults() {
        return from(key -> null);
    }

    private static String value(UnaryOperator<String> lookup, String key, String fallback) {
        return SettingValues.orDefault(lookup, key, fallback);
    }

    private static int intBytes(String key, String value) {
        long n = SettingValues.bytes(key, value);
        if (n <= 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Setting " + key + "=" + value + " is invalid: expected 1 byte to 2GiB");
        }
        return (int) n;
    }

    private static int positive(String key, String value) {
        return SettingValues.wholeNumber(key, value, 1);
    }

    public int maxBodyInt() {
        return (int) Math.min(Integer.MAX_VALUE, maxBody);
    }

    public int maxResponseBodyInt() {
        return (int) Math.min(Integer.MAX_VALUE, maxResponseBody);
    }
}
