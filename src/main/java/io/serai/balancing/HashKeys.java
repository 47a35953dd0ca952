package io.serai.balancing;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit hashing for consistent member choice: FNV-1a over UTF-8 bytes, then the SplitMix64
 * finalizer so that close inputs land far apart. Stable across JVMs and replicas (unlike
 * {@code String.hashCode} mixed with a per-run seed), so every Serai replica maps a key alike.
 */
final class HashKeys {

    private HashKeys() {}

    static long hash64(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
