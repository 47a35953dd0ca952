package io.serai.shared;

import io.lettuce.core.RedisURI;
import io.serai.settings.SettingValues;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The {@code serai.redis.*} settings. {@code url} ({@code redis://host:6379}, {@code rediss://} for TLS,
 * a database as {@code /N}) turns shared mode on; unset, Serai keeps all its state in its own memory.
 * The password comes from the URL or, better, from {@code password-file} (a mounted Kubernetes
 * secret). {@code timeout} bounds every Redis call; {@code fallback-replicas} divides a cluster rate
 * limit while Redis cannot be reached; {@code rate-limit-on-failure} is {@code open} (admit on the
 * local fallback) or {@code closed} (503). With {@code rediss://}, {@code tls.trust-file} names the PEM
 * certificates of the authorities trusted for Redis' certificate (the JDK's trust store otherwise); the
 * host name is always verified.
 */
public record RedisSettings(
        RedisURI uri,
        String keyPrefix,
        Duration timeout,
        int fallbackReplicas,
        boolean rateLimitsFailClosed,
        Path trustFile) {

    public static final String URL = "serai.redis.url";

    /** The settings, or null when {@code serai.redis.url} is unset: then nothing is shared. */
    public static RedisSettings from(UnaryOperator<String> lookup) {
        String url = SettingValues.orDefault(lookup, URL, "").trim();
        if (url.isEmpty()) {
            return null;
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URL + ": \"" + redacted(url) + "\" is not a Redis URL ("
                    + "redis://host:port or rediss://host:port for TLS): " + e.getMessage());
        }
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new IllegalArgumentException(
                    URL + ": \"" + redacted(url) + "\" must start with redis:// or rediss:// (TLS)");
        }
        String passwordFile =
                SettingValues.orDefault(lookup, "serai.redis.password-file", "").trim();
        if (!passwordFile.isEmpty()) {
            uri.setPassword(password(passwordFile).toCharArray());
        }
        Duration timeout = SettingValues.duration(
                "serai.redis.timeout", SettingValues.orDefault(lookup, "serai.redis.timeout", "50ms"));
        if (timeout.isZero()) {
            throw new IllegalArgumentException("serai.redis.timeout: expected more than 0");
        }
        uri.setTimeout(timeout);
        String prefix = SettingValues.orDefault(lookup, "serai.redis.key-prefix", "serai:");
        int replicas = SettingValues.wholeNumber(
                "serai.redis.fallback-replicas",
                SettingValues.orDefault(lookup, "serai.redis.fallback-replicas", "1"),
                1);
        String onFailure = SettingValues.orDefault(lookup, "serai.redis.rate-limit-on-failure", "open")
                .trim()
                .toLowerCase(Locale.ROOT);
        if (!onFailure.equals("open") && !onFailure.equals("closed")) {
            throw new IllegalArgumentException("serai.redis.rate-limit-on-failure: \"" + onFailure
                    + "\" is invalid: expected open (admit on local limits) or closed (answer 503)");
        }
        String trust = SettingValues.orDefault(lookup, "serai.redis.tls.trust-file", "")
                .trim();
        Path trustFile = null;
        if (!trust.isEmpty()) {
            trustFile = Path.of(trust);
            if (!Files.isReadable(trustFile)) {
                throw new IllegalArgumentException("serai.redis.tls.trust-file: \"" + trust + "\" cannot be read");
            }
            if (!uri.isSsl()) {
                throw new IllegalArgumentException(
                        "serai.redis.tls.trust-file is set but " + URL + " is not rediss:// (TLS)");
            }
        }
        return new RedisSettings(uri, prefix, timeout, replicas, onFailure.equals("closed"), trustFile);
    }

    /** The URL without its password, for logs, errors and the admin views. */
    public String safeUrl() {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort()
                + (uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "");
    }

    private static String password(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "serai.redis.password-file: \"" + file + "\" cannot be read: " + e.getMessage());
        }
    }

    private static String redacted(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
