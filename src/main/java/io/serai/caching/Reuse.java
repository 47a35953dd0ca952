package io.serai.caching;

/**
 * Whether a stored response may answer a request without asking the backend (RFC 9111 section 4 and
 * RFC 5861): fresh enough for the request, stale but accepted, stale within stale-while-revalidate,
 * or to be validated first. must-revalidate and proxy-revalidate forbid every stale use; a fresh
 * {@code immutable} response (RFC 8246) is served even to a client that reloads.
 */
enum Reuse {
    FRESH,
    STALE_ALLOWED,
    STALE_WHILE_REVALIDATE,
    VALIDATE;

    static Reuse of(StoredResponse stored, CacheControl request, long now) {
        // immutable (RFC 8246): a client's reload (no-cache, max-age=0, Pragma) does not revalidate a
        // fresh response; a stale one is revalidated as any other.
        boolean reloadIgnored = stored.control.immutable() && stored.isFresh(now);
        if ((request.noCache() && !reloadIgnored) || stored.control.noCache()) {
            return VALIDATE;
        }
        long age = stored.age(now);
        if (request.maxAge() >= 0 && age > request.maxAge() * 1000 && !reloadIgnored) {
            return VALIDATE;
        }
        long left = stored.lifetime - age;
        if (left > 0) {
            return request.minFresh() >= 0 && left < request.minFresh() * 1000 ? VALIDATE : FRESH;
        }
        long staleness = -left;
        if (stored.control.mustRevalidate() || stored.control.proxyRevalidate()) {
            return VALIDATE;
        }
        // s-maxage carries proxy-revalidate for a shared cache (section 5.2.2.10): no client max-stale then.
        if (request.maxStale() >= 0
                && stored.control.sMaxAge() < 0
                && (request.maxStale() == CacheControl.ANY || staleness <= request.maxStale() * 1000)) {
            return STALE_ALLOWED;
        }
        long window = stored.control.staleWhileRevalidate();
        if (window >= 0 && staleness <= window * 1000 && request.minFresh() < 0) {
            return STALE_WHILE_REVALIDATE;
        }
        return VALIDATE;
    }

    /** True when stale-if-error (response's or request's) lets the stored response stand in for an error. */
    static boolean onError(StoredResponse stored, CacheControl request, long now) {
        if (stored.control.mustRevalidate() || stored.control.proxyRevalidate()) {
            return false;
        }
        long window = Math.max(stored.control.staleIfError(), request.staleIfError());
        return window >= 0 && stored.staleness(now) <= window * 1000;
    }
}
