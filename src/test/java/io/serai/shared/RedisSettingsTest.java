package io.serai.shared;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serai.redis.* settings: a bad value stops the start with its setting's name and what is expected. */
class RedisSettingsTest {

    @TempDir
    Path dir;

    @Test
    void withoutAUrlNothingIsShared() {
        assertNull(RedisSettings.from(key -> null));
        assertNull(RedisSettings.from(key -> key.equals(RedisSettings.URL) ? "  " : null));
    }

    @Test
    void theDefaultsAndAPasswordFromAFileNeverShownInTheSafeUrl() throws Exception {
        Path secret = Files.writeString(dir.resolve("password"), "s3cret\n");
        RedisSettings settings =
                RedisSettings.from(Map.of(
                        RedisSettings.URL,
                        "redis://redis.example:6380/2",
                        "serai.redis.password-file",
                        secret.toString())::get);
        assertEquals("s3cret", new String(settings.uri().getPassword()));
        assertEquals("redis://redis.example:6380/2", settings.safeUrl());
        assertEquals(50, settings.timeout().toMillis());
        assertEquals("serai:", settings.keyPrefix());
        assertEquals(1, settings.fallbackReplicas());
        assertEquals(false, settings.rateLimitsFailClosed());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "serai.redis.url | http://redis:6379 | is not a Redis URL (redis://host:port or rediss://host:port for TLS)",
                "serai.redis.timeout | 0s | serai.redis.timeout",
                "serai.redis.fallback-replicas | 0 | serai.redis.fallback-replicas",
                "serai.redis.rate-limit-on-failure | maybe | expected open (admit on local limits) or closed",
                "serai.redis.password-file | /nonexistent/password | cannot be read",
                "serai.redis.tls.trust-file | /nonexistent/ca.pem | cannot be read"
            })
    void aBadValueNamesItsSettingAndWhatIsExpected(String key, String value, String message) {
        Map<String, String> values = new java.util.HashMap<>(Map.of(RedisSettings.URL, "redis://127.0.0.1:6379"));
        values.put(key, value);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RedisSettings.from(values::get));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aPasswordInTheUrlIsKeptOutOfErrors() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RedisSettings.from(Map.of(RedisSettings.URL, "http://:hunter2@redis:6379")::get));
        assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aTrustFileNeedsTls() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not checked here");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RedisSettings.from(
                        Map.of(RedisSettings.URL, "redis://127.0.0.1:6379", "serai.redis.tls.trust-file", ca.toString())
                                ::get));
        assertTrue(e.getMessage().contains("is not rediss://"), e.getMessage());
    }
}
