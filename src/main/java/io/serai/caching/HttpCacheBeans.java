package io.serai.caching;

import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the HTTP cache: its store under {@code serai-http-cache}, the {@code httpCache} policy and the
 * {@code sharedHttpCache} policy (the same cache with a second tier in Redis, see docs/caching.md).
 */
public final class HttpCacheBeans {

    private static final Logger LOG = LoggerFactory.getLogger(HttpCacheBeans.class);

    private HttpCacheBeans() {}

    public static HttpCacheStore bind(Registry registry, CacheSettings settings, String cacheName) {
        long heap = Runtime.getRuntime().maxMemory();
        if (settings.maxSize() > heap * 3 / 4) {
            LOG.warn(
                    "serai.cache.max-size ({} MiB) is more than 3/4 of the JVM's largest heap ({} MiB): a full cache "
                            + "would leave too little for traffic; raise -Xmx or lower serai.cache.max-size",
                    settings.maxSize() >> 20,
                    heap >> 20);
        }
        HttpCacheStore store = new HttpCacheStore(settings, System::currentTimeMillis);
        store.bindTo(registry);
        registry.bind(HttpCachePolicy.BEAN_NAME, new HttpCachePolicy(store, settings, cacheName));
        registry.bind(HttpCachePolicy.SHARED_BEAN_NAME, new HttpCachePolicy(store, settings, cacheName, true));
        return store;
    }
}
