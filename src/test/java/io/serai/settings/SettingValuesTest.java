package io.serai.settings;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingValuesTest {

    @Test
    void durationsAcceptTheDocumentedUnits() {
        assertEquals(Duration.ofMillis(500), SettingValues.duration("k", "500ms"));
        assertEquals(Duration.ofSeconds(3), SettingValues.duration("k", "3s"));
        assertEquals(Duration.ofMinutes(2), SettingValues.duration("k", "2m"));
        assertEquals(Duration.ofHours(1), SettingValues.duration("k", "1h"));
        assertEquals(Duration.ofMillis(250), SettingValues.duration("k", "250"));
    }

    @Test
    void sizesAcceptTheDocumentedUnits() {
        assertEquals(512 * 1024, SettingValues.bytes("k", "512KiB"));
        assertEquals(10L * 1024 * 1024, SettingValues.bytes("k", "10MiB"));
        assertEquals(1024L * 1024 * 1024, SettingValues.bytes("k", "1GiB"));
        assertEquals(8192, SettingValues.bytes("k", "8192"));
    }

    @Test
    void aBadValueNamesTheKeyTheValueAndWhatWasExpected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ProxySettings.from(key -> key.equals("serai.upstream.timeout") ? "soon" : null));
        assertTrue(e.getMessage().contains("serai.upstream.timeout=soon"), e.getMessage());
        assertTrue(e.getMessage().contains("expected a duration"), e.getMessage());
    }

    @Test
    void defaultsAreTheDocumentedProductionValues() {
        ProxySettings s = ProxySettings.defaults();
        assertEquals(Duration.ofSeconds(60), s.upstreamTimeout());
        assertEquals(Duration.ofSeconds(5), s.upstreamConnectTimeout());
        assertEquals(1024L * 1024 * 1024, s.maxBody());
        assertEquals(32 * 1024, s.maxHeader());
        assertEquals(8 * 1024, s.maxUri());
        assertEquals(256 * 1024, s.streamWindow());
        assertEquals(64L * 1024, s.replayBuffer());
        assertEquals(Duration.ofSeconds(60), s.readIdleTimeout());
        assertEquals(Duration.ofSeconds(60), s.clientWriteTimeout());
    }
}
