package io.serai.caching;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;

import java.util.function.LongSupplier;

/**
 * Where the shared cache keeps responses: one Caffeine cache, bounded by the bytes it holds
 * ({@code serai.cache.max-size}, through a weigher) and evicting by size and frequency, whose entries
 * expire when they are no longer of use. It is bound in Camel's registry as {@link #REGISTRY_NAME}, so
 * camel-caffeine's {@code caffeine-cache:serai-http-cache} endpoint reaches the same entries.
 *
 * <p>Keys are {@code route \n host \n target}: two routes or two virtual hosts never share an entry.
 */
public final class HttpCacheStore implements io.micrometer.core.instrument.binder.MeterBinder {

    public static final String REGISTRY_NAME = "serai-http-cache";

    private final Cache<String, StoredVariants> cache;
    private final LongSupplier clock;
    private volatile InvalidationBus bus;
    private final java.util.List<java.util.function.Consumer<String>> invalidated =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<java.util.function.Consumer<Boolean>> broadPurges =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Keys dropped by a resync: their removal is this replica's own business, not a purge to pass on. */
    private final java.util.Set<String> quietlyDropped = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public HttpCacheStore(CacheSettings settings, LongSupplier clock) {
        this.clock = clock;
        long staleRetention = settings.staleRetention().toMillis();
        this.cache = Caffeine.newBuilder()
                .maximumWeight(settings.maxSize())
                .weigher((String key, StoredVariants value) -> key.length() * 2 + value.weight)
                .expireAfter(new Expiry<String, StoredVariants>() {
                    @Override
                    public long expireAfterCreate(String key, StoredVariants value, long currentTime) {
                        return nanos(value.retention(clock.getAsLong(), staleRetention));
                    }

                    @Override
                    public long expireAfterUpdate(
                            String key, StoredVariants value, long currentTime, long currentDuration) {
                        return nanos(value.retention(clock.getAsLong(), staleRetention));
                    }

                    @Override
                    public long expireAfterRead(
                            String key, StoredVariants value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .removalListener((String key, StoredVariants value, RemovalCause cause) -> {
                    if (cause == RemovalCause.EXPLICIT && key != null && !quietlyDropped.remove(key)) {
                        invalidated.forEach(listener -> listener.accept(key));
                    }
                })
                .recordStats()
                .build();
    }

    private static long nanos(long millis) {
        return Math.max(0, Math.min(millis, Long.MAX_VALUE / 1_000_000)) * 1_000_000;
    }

    public static String key(String route, String host, String target) {
        return route + '\n' + (host == null ? "" : host.toLowerCase(java.util.Locale.ROOT)) + '\n' + target;
    }

    /** Binds the Caffeine cache in Camel's registry, where camel-caffeine's endpoints find it by name. */
    public void bindTo(org.apache.camel.spi.Registry registry) {
        registry.bind(REGISTRY_NAME, Cache.class, cache);
    }

    /** Caffeine's statistics as meters ({@code serai_http_cache_*}) and the bytes held ({@code serai_http_cache_bytes}). */
    @Override
    public void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(registry, cache, "serai_http_cache");
        io.micrometer.core.instrument.Gauge.builder(
                        "serai.http.cache.bytes",
                        cache,
                        c -> c.policy()
                                .eviction()
                                .map(e -> e.weightedSize().orElse(0))
                                .orElse(0L))
                .baseUnit("bytes")
                .description("Bytes the HTTP cache holds, as its weigher counts them")
                .register(registry);
    }

    /** Number of URLs stored (each may hold several variants). */
    public long entries() {
        return cache.estimatedSize();
    }

    long now() {
        return clock.getAsLong();
    }

    StoredVariants get(String key) {
        return cache.getIfPresent(key);
    }

    void store(String key, StoredResponse response) {
        cache.asMap().compute(key, (k, old) -> old == null ? StoredVariants.of(response) : old.with(response));
    }

    /** Replaces {@code old} with {@code updated} if {@code old} is still stored under {@code key}. */
    void update(String key, StoredResponse old, StoredResponse updated) {
        cache.asMap().computeIfPresent(key, (k, variants) -> variants.replacing(old, updated));
    }

    /**
     * Calls {@code listener} (on Caffeine's executor) with each key dropped on purpose: a purge, an unsafe
     * method; not one evicted or expired.
     */
    void onInvalidated(java.util.function.Consumer<String> listener) {
        invalidated.add(listener);
    }

    void invalidate(String key) {
        cache.invalidate(key);
    }

    void invalidateAll(java.util.Set<String> keys) {
        cache.invalidateAll(keys);
    }

    void invalidateAll() {
        cache.invalidateAll();
    }

    /**
     * Drops everything without telling the {@link #onInvalidated} listeners: after a lost subscription this
     * replica only forgets what it may have missed; what the others hold (the shared tier) stays.
     */
    void dropAllQuietly() {
        java.util.Set<String> keys = java.util.Set.copyOf(cache.asMap().keySet());
        quietlyDropped.addAll(keys);
        cache.invalidateAll(keys);
    }

    /**
     * Calls {@code listener} with each purge of more than named URLs (a prefix, tags, everything): with
     * {@code true} when it was made here, {@code false} when another replica's arrived.
     */
    void onBroadPurge(java.util.function.Consumer<Boolean> listener) {
        broadPurges.add(listener);
    }

    /** Another replica's prefix, tag or whole purge has just been applied here. */
    void broadPurgeReceived() {
        broadPurges.forEach(listener -> listener.accept(false));
    }

    /** From now on, what this store invalidates is told to the other replicas through {@code bus}. */
    public void shareThrough(InvalidationBus bus) {
        this.bus = bus;
    }

    /**
     * Tells the other replicas about {@code invalidation} (a request's, or an admin purge's), which this
     * replica applies itself, without waiting; local mode tells no one.
     */
    public InvalidationBus.Outcome announce(CacheInvalidation invalidation) {
        if (invalidation.kind() != CacheInvalidation.Kind.URL) {
            // Before the message: the shared tier's new generation is in Redis when the others read it.
            broadPurges.forEach(listener -> listener.accept(true));
        }
        InvalidationBus shared = bus;
        return shared == null ? InvalidationBus.Outcome.LOCAL_MODE : shared.publish(invalidation);
    }

    /** The keys stored for {@code host} and {@code target} on any route, for a purge of one URL. */
    public java.util.Set<String> keysFor(String host, String target) {
        String suffix = '\n' + host.toLowerCase(java.util.Locale.ROOT) + '\n' + target;
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String key : cache.asMap().keySet()) {
            if (key.endsWith(suffix) && key.indexOf('\n') == key.length() - suffix.length()) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * The keys stored on any route for URLs on {@code host} whose target starts with {@code prefix}.
     * A scan of the whole map: purges are rare and admin-only, and a second index would cost memory
     * and a write on every store (HttpCacheStoreTest measures a scan of 100,000 entries).
     */
    public java.util.Set<String> keysUnder(String host, String prefix) {
        String start = '\n' + host.toLowerCase(java.util.Locale.ROOT) + '\n' + prefix;
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String key : cache.asMap().keySet()) {
            int at = key.indexOf('\n');
            if (at >= 0 && key.startsWith(start, at)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The keys of URLs one of whose stored responses carried one of {@code tags}; a scan, as above. */
    public java.util.Set<String> keysTagged(java.util.Collection<String> tags) {
        java.util.Set<String> wanted = java.util.Set.copyOf(tags);
        java.util.Set<String> lower = new java.util.HashSet<>();
        for (String tag : tags) {
            lower.add(tag.toLowerCase(java.util.Locale.ROOT));
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        cache.asMap().forEach((key, variants) -> {
            for (StoredResponse response : variants.responses) {
                if (CacheTags.carriesAny(response, wanted, lower)) {
                    keys.add(key);
                    return;
                }
            }
        });
        return keys;
    }
}
