package io.serai.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serai's header map answers as Camel's own case-insensitive map does, in insertion order. */
class CaseInsensitiveHeadersTest {

    @Test
    void camelGivesEveryMessageThisMap() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            assertInstanceOf(
                    CaseInsensitiveHeaders.class,
                    new DefaultMessage(context).getHeaders(),
                    "found through META-INF/services/org/apache/camel/headers-map-factory");
        }
    }

    @Test
    void aNameIsFoundWhateverItsCaseAndKeepsTheCaseItWasFirstPutWith() {
        Map<String, Object> headers = new CaseInsensitiveHeaders();
        headers.put("Content-Type", "text/plain");
        headers.put("CONTENT-TYPE", "application/json");
        assertEquals("application/json", headers.get("content-type"));
        assertEquals(1, headers.size());
        assertEquals("Content-Type", headers.keySet().iterator().next());
        assertTrue(headers.containsKey("cOnTeNt-TyPe"));
        assertEquals("application/json", headers.remove("content-TYPE"));
        assertTrue(headers.isEmpty());
        assertNull(headers.get("Content-Type"));
    }

    @Test
    void entriesComeInTheOrderTheyWerePutAndCanBeRemovedOrChangedWhileIterating() {
        Map<String, Object> headers = new CaseInsensitiveHeaders();
        headers.put("b", 1);
        headers.put("a", 2);
        headers.put("c", 3);
        headers.put("B", 4);
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(headers.keySet()));
        Iterator<Map.Entry<String, Object>> it = headers.entrySet().iterator();
        it.next().setValue(5);
        it.next();
        it.remove();
        assertEquals(Map.of("b", 5, "c", 3), new TreeMap<>(headers));
        assertFalse(headers.containsKey("A"));
        headers.entrySet().removeIf(e -> e.getKey().equals("b"));
        assertEquals(Map.of("c", 3), new TreeMap<>(headers));
    }

    @Test
    void aNullValueIsKeptAsCamelsMapKeepsIt() {
        Map<String, Object> headers = new CaseInsensitiveHeaders();
        headers.put("X", null);
        assertTrue(headers.containsKey("x"));
        assertEquals(1, headers.size());
    }

    @Test
    @Timeout(5)
    void namesChosenToShareTheSampledHashAreStillFoundInConstantTime() {
        // Length 12, and the same characters at 0, 3, 6, 8 and 11, where the sampled hash looks.
        Map<String, Object> headers = new CaseInsensitiveHeaders();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            String d = Integer.toString(10_000_000 + i).substring(1);
            headers.put(
                    "x" + d.substring(0, 2) + "y" + d.substring(2, 4) + "z" + d.charAt(4) + "w" + d.substring(5) + "v",
                    i);
        }
        assertEquals(n, headers.size());
        for (int i = 0; i < n; i += 997) {
            String d = Integer.toString(10_000_000 + i).substring(1);
            assertEquals(
                    i,
                    headers.get("X" + d.substring(0, 2) + "Y" + d.substring(2, 4) + "Z" + d.charAt(4) + "W"
                            + d.substring(5) + "V"));
        }
    }

    @Test
    void randomPutsAndRemovesAgreeWithCamelsCaseInsensitiveMap() {
        String[] names = {
            "Host",
            "host",
            "HOST",
            "CamelHttpUri",
            "camelhttpuri",
            "X-Forwarded-For",
            "Via",
            "ß",
            "SS",
            "É",
            "é",
            "Accept",
            "accept-encoding",
            "Accept-Encoding",
            "a",
            "A",
            "b"
        };
        Random random = new Random(22);
        for (int run = 0; run < 200; run++) {
            Map<String, Object> ours = new CaseInsensitiveHeaders();
            Map<String, Object> camels = new CaseInsensitiveMap();
            for (int op = 0; op < 300; op++) {
                String name = names[random.nextInt(names.length)] + (random.nextInt(4) == 0 ? random.nextInt(40) : "");
                switch (random.nextInt(6)) {
                    case 0, 1, 2 -> assertEquals(camels.put(name, op), ours.put(name, op));
                    case 3 -> assertEquals(camels.remove(name), ours.remove(name));
                    case 4 -> assertEquals(camels.containsKey(name), ours.containsKey(name));
                    default -> {
                        if (random.nextInt(20) == 0) {
                            camels.clear();
                            ours.clear();
                        }
                    }
                }
                assertEquals(camels.size(), ours.size());
            }
            assertEquals(camels, new CaseInsensitiveMap(ours));
            assertEquals(
                    camels,
                    new CaseInsensitiveHeaders(camels)
                            .entrySet().stream()
                                    .collect(
                                            CaseInsensitiveMap::new,
                                            (m, e) -> m.put(e.getKey(), e.getValue()),
                                            Map::putAll));
        }
    }
}
