package io.serai.caching;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.serai.camel.MeterRegistries;
import io.serai.http.RouteIds;
import io.serai.shared.SharedRedis;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans {@code httpCache} and {@code sharedHttpCache}: a route wraps its upstream steps in
 * {@code policy: {ref: httpCache}} to put them behind Serai's HTTP cache. Every route shares one store,
 * with keys that include the route's id, so entries survive a reload of the route file but never leak
 * between routes. Behind {@code sharedHttpCache} ({@link #isShared()}) the route also has a second tier
 * in Redis that every replica reads and writes ({@link SharedCacheTier}), when {@code serai.redis.url}
 * is set; without it the route has the local cache alone.
 */
public final class HttpCachePolicy implements Policy {

    public static final String BEAN_NAME = "httpCache";
    public static final String SHARED_BEAN_NAME = "sharedHttpCache";
    private static final Logger LOG = LoggerFactory.getLogger(HttpCachePolicy.class);

    private final HttpCacheStore store;
    private final CacheSettings settings;
    private final String cacheName;
    private final boolean shared;
    private SharedCacheTier tier;
    private boolean toldTierIsOff;

    public HttpCachePolicy(HttpCacheStore store, CacheSettings settings, String cacheName) {
        this(store, settings, cacheName, false);
    }

    public HttpCachePolicy(HttpCacheStore store, CacheSettings settings, String cacheName, boolean shared) {
        this.store = store;
        this.settings = settings;
        this.cacheName = cacheName;
        this.shared = shared;
    }

    /** The Redis tier, once a shared route made it; null otherwise (for tests). */
    synchronized SharedCacheTier tier() {
        return tier;
    }

    /** True for {@code sharedHttpCache}: routes behind it have the Redis tier when Redis is configured. */
    public boolean isShared() {
        return shared;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare: the store is shared and the route id is all a key needs
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        String id = RouteIds.userId(route.getRouteId());
        SharedCacheTier redisTier = shared ? tier(route.getCamelContext(), id) : null;
        if (redisTier != null) {
            redisTier.addRoute(id);
        }
        return new HttpCacheProcessor(
                AsyncProcessorConverterHelper.convert(processor),
                id,
                store,
                settings,
                cacheName,
                route.getCamelContext(),
                redisTier);
    }

    /**
     * The Redis tier, made with the first shared route; null without {@code serai.redis.url}, said once
     * in the log: the route works as with {@code httpCache}, as it must anyway while Redis is away, so a
     * route file runs unchanged on a laptop without Redis and on replicas with it.
     */
    private synchronized SharedCacheTier tier(CamelContext context, String route) {
        if (tier == null) {
            SharedRedis redis = SharedRedis.lookup(context);
            if (redis == null) {
                if (!toldTierIsOff) {
                    toldTierIsOff = true;
                    LOG.info(
                            "route {} uses {}, but serai.redis.url is not set: the shared cache tier is off and"
                                    + " such routes have the local cache alone",
                            route,
                            SHARED_BEAN_NAME);
                }
                return null;
            }
            tier = new SharedCacheTier(redis, settings, context);
            // Purges and invalidating methods reach the tier before the other replicas hear of them; a
            // lost subscription reaches it through the store's resync.
            store.addSharedTier(tier);
            tier.readGeneration();
            MeterRegistry meters = MeterRegistries.of(context);
            if (meters != null) {
                SharedCacheTier made = tier;
                Gauge.builder("serai.cache.shared.ready", () -> redis.available() && made.knowsGeneration() ? 1 : 0)
                        .description("1 while the shared cache tier is used: Redis up and its key generation known")
                        .register(meters);
            }
        }
        return tier;
    }
}
