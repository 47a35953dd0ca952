package io.serai.caching;

import io.serai.http.RouteIds;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;

/**
 * The bean {@code httpCache}: a route wraps its upstream steps in {@code policy: {ref: httpCache}} to
 * put them behind Serai's shared HTTP cache. Every route shares one store, with keys that include the
 * route's id, so entries survive a reload of the route file but never leak between routes.
 */
public final class HttpCachePolicy implements Policy {

    public static final String BEAN_NAME = "httpCache";

    private final HttpCacheStore store;
    private final CacheSettings settings;
    private final String cacheName;

    public HttpCachePolicy(HttpCacheStore store, CacheSettings settings, String cacheName) {
        this.store = store;
        this.settings = settings;
        this.cacheName = cacheName;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare: the store is shared and the route id is all a key needs
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new HttpCacheProcessor(
                AsyncProcessorConverterHelper.convert(processor),
                RouteIds.userId(route.getRouteId()),
                store,
                settings,
                cacheName,
                route.getCamelContext());
    }
}
