package io.serai.caching;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

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
    private final java.util.List<SharedTierHooks> tiers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Counts invalidations (here or elsewhere): what a shared-tier read or fetch began before is suspect. */
    private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();

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

    /** What a shared cache tier needs to hear of this store's invalidations (see {@link SharedCacheTier}). */
    interface SharedTierHooks {
        /** This replica invalidates: called before the other replicas are told and before local entries go. */
        void invalidating(CacheInvalidation invalidation);

        /**
         * Another replica's invalidation arrived, or messages may have been missed (null): called before
         * local entries go.
         */
        void invalidatedElsewhere(CacheInvalidation invalidation);
    }

    void addSharedTier(SharedTierHooks tier) {
        tiers.add(tier);
    }

    /** Another replica's invalidation (null: some may have been missed) is about to be applied here. */
    void invalidatedElsewhere(CacheInvalidation invalidation) {
        epoch.incrementAndGet();
        tiers.forEach(tier -> tier.invalidatedElsewhere(invalidation));
    }

    void invalidate(String key) {
        epoch.incrementAndGet();
        cache.invalidate(key);
    }

    void invalidateAll(java.util.Set<String> keys) {
        epoch.incrementAndGet();
        cache.invalidateAll(keys);
    }

    void invalidateAll() {
        epoch.incrementAndGet();
        cache.invalidateAll();
    }

    /** The number of invalidations so far (see {@link CacheRequest#sharedEpoch}). */
    long epoch() {
        return epoch.get();
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
        // First the shared tier (its Redis commands go before the message on the one connection, so a
        // replica that reads Redis after the message reads what they left), then the other replicas.
        epoch.incrementAndGet();
        tiers.forEach(tier -> tier.invalidating(invalidation));
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
