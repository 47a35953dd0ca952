package io.serai.caching;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CacheSettingsTest {

    @Test
    void byDefaultTheCacheHoldsAThirdOfTheLargestHeap() {
        assertEquals(
                Runtime.getRuntime().maxMemory() / 3,
                CacheSettings.from(name -> null).maxSize());
        assertEquals(
                Runtime.getRuntime().maxMemory() / 3,
                CacheSettings.from(Map.of("serai.cache.max-size", " Auto ")::get)
                        .maxSize());
    }

    @Test
    void theShippedHeapGivesThirtyTwoMebibytes() {
        assertEquals(32L << 20, CacheSettings.shareOfHeap(96L << 20));
    }

    @Test
    void aSizeFixesIt() {
        assertEquals(
                256L << 20,
                CacheSettings.from(Map.of("serai.cache.max-size", "256MiB")::get)
                        .maxSize());
    }

    @Test
    void aLargestObjectOverTheWholeSizeIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> CacheSettings.from(
                        Map.of("serai.cache.max-size", "1MiB", "serai.cache.max-object", "2MiB")::get));
    }
}
