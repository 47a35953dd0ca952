package io.serai.caching;

/**
 * The value Serai adds to the Cache-Status field (RFC 9211): whether the response came from the cache
 * ({@code hit}) or why the request went to the backend ({@code fwd=...}), whether the answer was
 * {@code stored}, and its remaining freshness ({@code ttl}, negative when served stale).
 */
final class CacheStatus {

    static final String FIELD = "Cache-Status";

    private final StringBuilder value;

    private CacheStatus(String cacheName) {
        this.value = new StringBuilder(48).append(cacheName);
    }

    static CacheStatus hit(String cacheName) {
        return new CacheStatus(cacheName).param("hit");
    }

    /** Forwarded because of {@code reason}: uri-miss, vary-miss, miss, stale, request, method or bypass. */
    static CacheStatus forwarded(String cacheName, String reason) {
        return new CacheStatus(cacheName).param("fwd=" + reason);
    }

    static CacheStatus of(String cacheName) {
        return new CacheStatus(cacheName);
    }

    CacheStatus fwdStatus(int status) {
        return param("fwd-status=" + status);
    }

    CacheStatus stored() {
        return param("stored");
    }

    /** Remaining freshness in whole seconds. */
    CacheStatus ttl(long millis) {
        return param("ttl=" + Math.floorDiv(millis, 1000));
    }

    CacheStatus detail(String detail) {
        return param("detail=" + detail);
    }

    private CacheStatus param(String param) {
        value.append("; ").append(param);
        return this;
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
