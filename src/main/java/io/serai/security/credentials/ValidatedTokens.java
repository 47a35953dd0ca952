package io.serai.security.credentials;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;

/**
 * Tokens already found valid, so that a client's next requests with the same token skip the
 * signature check (an RS256 check costs ~50 µs, an ES256 one ~1 ms on Java 17; a lookup ~1 µs). Kept
 * by the SHA-256 digest of the token, never the token itself, with the headers it passes on; an
 * entry ends at the token's {@code exp}, the least recently used go first beyond {@code maxTokens},
 * and all go when the signing keys change.
 */
public final class ValidatedTokens {

    /** What a valid token lets through, until {@code expiresAtMillis}. */
    public record Admission(Map<String, String> headers, long expiresAtMillis) {}

    private final Cache<ByteBuffer, Admission> admissions;

    public ValidatedTokens(long maxTokens) {
        this.admissions = maxTokens == 0
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(maxTokens)
                        .expireAfter(Expiry.<ByteBuffer, Admission>creating((digest, admission) -> Duration.ofMillis(
                                Math.max(0, admission.expiresAtMillis() - System.currentTimeMillis()))))
                        .build();
    }

    /** The admission remembered for {@code token}, or null. */
    public Admission find(String token) {
        if (admissions == null) {
            return null;
        }
        Admission a = admissions.getIfPresent(digest(token));
        return a != null && a.expiresAtMillis() > System.currentTimeMillis() ? a : null;
    }

    public void remember(String token, Admission admission) {
        if (admissions != null && admission.expiresAtMillis() > System.currentTimeMillis()) {
            admissions.put(digest(token), admission);
        }
    }

    public void clear() {
        if (admissions != null) {
            admissions.invalidateAll();
        }
    }

    long size() {
        if (admissions == null) {
            return 0;
        }
        admissions.cleanUp();
        return admissions.estimatedSize();
    }

    private static ByteBuffer digest(String token) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
