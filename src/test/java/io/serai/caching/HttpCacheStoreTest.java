package io.serai.caching;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Purges by prefix and tag scan the whole store. How long that takes for a full cache of small responses
 * (100,000 entries, about what the shipped 32 MiB cache holds of 200-byte bodies): after one warm-up
 * scan, 170 ms by tag and 130 ms by prefix on a busy 2-core machine. The bound here is loose for CI.
 */
class HttpCacheStoreTest {

    private static final int ENTRIES = 100_000;

    @Test
    void aPurgeScanOfAFullCacheTakesWellUnderASecond() {
        HttpCacheStore store = new HttpCacheStore(
                new CacheSettings(
                        512L << 20,
                        8L << 20,
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(10),
                        "Serai-Cache-Control",
                        false,
                        1L << 20),
                System::currentTimeMillis);
        long now = store.now();
        byte[] body = new byte[200];
        // Stored responses are immutable: one per tag, shared by many URLs, keeps the fill quick.
        StoredResponse[] responses = new StoredResponse[100];
        for (int t = 0; t < responses.length; t++) {
            List<String> fields = List.of(
                    "Cache-Control", "max-age=600", "Content-Type", "application/json", "Surrogate-Key", "a p" + t);
            responses[t] = StoredResponse.of(
                    200, "OK", fields, null, body, false, VaryValues.NONE, now, now, TargetedControl.DEFAULT);
        }
        for (int i = 0; i < ENTRIES; i++) {
            store.store(HttpCacheStore.key("api", "shop.example", "/items/" + i), responses[i % responses.length]);
        }
        assertEquals(ENTRIES, store.entries());
        store.keysTagged(List.of("warm-up"));

        long start = System.nanoTime();
        Set<String> tagged = store.keysTagged(List.of("p7"));
        long tagMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        Set<String> under = store.keysUnder("shop.example", "/items/1");
        long prefixMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(ENTRIES / 100, tagged.size());
        assertEquals(11_111, under.size()); // 1, 10-19, 100-199, 1000-1999, 10000-19999
        System.out.printf(
                "purge scan of %d entries: by tag %d ms, by prefix %d ms%n", ENTRIES, tagMillis, prefixMillis);
        assertTrue(tagMillis < 1000 && prefixMillis < 1000, tagMillis + " ms, " + prefixMillis + " ms");
    }
}
