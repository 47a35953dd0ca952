package io.serai.caching;

import org.apache.camel.spi.Registry;

/** Binds the HTTP cache: its store under {@code serai-http-cache} and the {@code httpCache} policy. */
public final class HttpCacheBeans {

    private HttpCacheBeans() {
    }

    public static HttpCacheStore bind(Registry registry, CacheSettings settings, String cacheName) {
        HttpCacheStore store = new HttpCacheStore(settings, System::currentTimeMillis);
        store.bindTo(registry);
        registry.bind(HttpCachePolicy.BEAN_NAME, new HttpCachePolicy(store, settings, cacheName));
        return store;
    }
}
