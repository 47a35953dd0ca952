package io.serai.caching;

import io.serai.camel.ExchangeTimers;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What a request on a shared route does with the Redis tier ({@link SharedCacheTier}): on a local miss
 * it looks there before the backend, and keeps what it finds in the local tier; the replica's leader of
 * a fetch takes the URL's lock in Redis or, when another replica holds it, waits for that replica's
 * answer (polling every {@link #POLL_MILLIS} ms, at most {@code serai.cache.coalesce-timeout}). No
 * thread waits: Redis answers on Lettuce's threads and the request resumes on its connection's event
 * loop. Any Redis failure (not connected, breaker open, time-out) makes the request go on as with the
 * local cache alone.
 */
final class SharedLookups {

    static final long POLL_MILLIS = 50;

    private final HttpCacheProcessor cache;
    private final SharedCacheTier tier;
    private final HttpCacheStore store;
    private final CacheSettings settings;
    private final String route;

    SharedLookups(
            HttpCacheProcessor cache,
            SharedCacheTier tier,
            HttpCacheStore store,
            CacheSettings settings,
            String route) {
        this.cache = cache;
        this.tier = tier;
        this.store = store;
        this.settings = settings;
        this.route = route;
    }

    /** A local miss: reads the URL's variants from Redis, keeps them locally, then looks locally again. */
    boolean lookup(CacheRequest request, boolean mayWait) {
        request.sharedLooked = true;
        long asked = store.epoch();
        return after(request, tier.read(request.key), found -> {
            if (found != null) {
                absorb(request, found, asked);
            }
            return cache.lookup(request, mayWait);
        });
    }

    /**
     * This replica's leader of a fetch: fetches when it gets the URL's lock (or Redis cannot say), else
     * waits for the replica that holds it.
     */
    boolean lead(CacheRequest request, StoredResponse stored, String reason) {
        return after(request, tier.lock(request.key), won -> {
            if (won == null) {
                return cache.forward(request, stored, reason, true);
            }
            if (won) {
                request.sharedLock = true;
                // Another replica may have written it between this request's read and its lock.
                long asked = store.epoch();
                return after(request, tier.read(request.key), found -> {
                    if (found != null) {
                        absorb(request, found, asked);
                    }
                    if (!cache.answerable(request)) {
                        // Still nothing this request may be answered with (absent, another variant, stale):
                        // it fetches, keeping the lock and the local flight for those waiting on it.
                        return cache.forward(request, stored, reason, true);
                    }
                    release(request);
                    cache.flights().land(request.key);
                    return cache.lookup(request, false);
                });
            }
            tier.count(route, "lock_wait");
            request.detach();
            poll(request, System.nanoTime() + settings.coalesceTimeout().toNanos());
            return false;
        });
    }

    /**
     * Looks again once the other replica's lock is gone (it wrote its answer, or found it could not be
     * stored) or the wait is over: what it wrote is kept locally, the local flight lands, and the request
     * is answered from it or goes to the backend itself.
     */
    private void poll(CacheRequest request, long deadline) {
        ExchangeTimers.schedule(
                request.exchange,
                POLL_MILLIS,
                TimeUnit.MILLISECONDS,
                () -> resumed(request, () -> {
                    after(request, tier.locked(request.key), held -> {
                        if (held != null && held && System.nanoTime() < deadline) {
                            poll(request, deadline);
                            return false;
                        }
                        long asked = store.epoch();
                        return after(request, tier.read(request.key), found -> {
                            if (found != null) {
                                absorb(request, found, asked);
                            }
                            cache.flights().land(request.key);
                            return cache.lookup(request, false);
                        });
                    });
                }));
    }

    /** Writes a response the local tier just stored to Redis, then frees the lock this request holds. */
    void write(CacheRequest request, StoredResponse response, long now) {
        tier.write(route, request.key, response, now, request.sharedEpoch, store);
        release(request);
    }

    /** Frees the lock this request holds, if it does. */
    void release(CacheRequest request) {
        if (request.sharedLock) {
            request.sharedLock = false;
            tier.release(request.key);
        }
    }

    void countHit() {
        tier.count(route, "hit");
    }

    /**
     * Keeps the variants Redis holds in the local tier, unless a local one for the same secondary key is
     * as new; remembers them so an answer from one says it came from the shared tier.
     */
    private void absorb(CacheRequest request, Map<byte[], byte[]> found, long asked) {
        if (store.epoch() != asked) {
            // An invalidation came while Redis was asked: what it answered may be what was invalidated.
            tier.count(route, "stale_read");
            return;
        }
        if (found.isEmpty()) {
            tier.count(route, "miss");
            return;
        }
        List<StoredResponse> responses = tier.decode(route, found);
        for (int i = responses.size() - 1; i >= 0; i--) {
            StoredResponse response = responses.get(i);
            StoredVariants local = store.get(request.key);
            if (local == null
                    || local.responses.stream()
                            .noneMatch(r -> r.headOnly == response.headOnly
                                    && r.vary.equals(response.vary)
                                    && r.responseTime >= response.responseTime)) {
                store.store(request.key, response);
                request.fromShared.add(response);
            }
        }
    }

    /**
     * Runs {@code then} with what {@code call} gave (null when Redis failed, counted): at once when it is
     * already known (Redis refused at once), else on the request's event loop, the request's answer then
     * being asynchronous.
     */
    private <T> boolean after(CacheRequest request, CompletableFuture<T> call, Function<T, Boolean> then) {
        if (call.isDone()) {
            return then.apply(outcome(call));
        }
        request.detach();
        ExchangeTimers.whenDone(request.exchange, call, () -> resumed(request, () -> then.apply(outcome(call))));
        return false;
    }

    private <T> T outcome(CompletableFuture<T> call) {
        // Already complete: handle runs at once and nothing waits.
        return call.handle((value, failure) -> {
                    if (failure != null) {
                        tier.count(route, SharedCacheTier.failed(failure));
                    }
                    return failure == null ? value : null;
                })
                .getNow(null);
    }

    /** Runs a step of a request that went asynchronous; a failure is the request's, as elsewhere. */
    private static void resumed(CacheRequest request, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            request.exchange.setException(e);
            request.callback.done(false);
        }
    }
}
