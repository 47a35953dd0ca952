package io.serai.caching;

import io.serai.tracing.Tracing;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * stale-while-revalidate (RFC 5861): the client gets the stale response at once, and one request per
 * URL refreshes it in the background, on its own exchange through the same route steps, so a client
 * that hangs up does not cancel it.
 */
final class BackgroundRevalidation {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRevalidation.class);

    private final HttpCacheProcessor cache;

    BackgroundRevalidation(HttpCacheProcessor cache) {
        this.cache = cache;
    }

    void start(CacheRequest request, StoredResponse stored) {
        if (!cache.flights().lead(request.key)) {
            return;
        }
        Exchange original = request.exchange;
        Exchange refresh = new DefaultExchange(original.getContext());
        refresh.getProperties().putAll(original.getProperties());
        // The refresh outlives the request: no span of it joins the request's (ended) server span.
        Tracing.detach(refresh);
        refresh.getMessage().getHeaders().putAll(original.getMessage().getHeaders());
        refresh.getMessage().removeHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        // The refresh is for the whole stored response, whatever part the client asked for.
        refresh.getMessage().removeHeader(RangeRequests.RANGE);
        refresh.getMessage().removeHeader(RangeRequests.IF_RANGE);
        refresh.getMessage().setHeader(NettyHttpConstants.HTTP_METHOD, stored.headOnly ? "HEAD" : "GET");
        UnitOfWork unitOfWork =
                PluginHelper.getUnitOfWorkFactory(original.getContext()).createUnitOfWork(refresh);
        refresh.getExchangeExtension().setUnitOfWork(unitOfWork);
        CacheRequest revalidation = new CacheRequest(
                refresh,
                doneSync -> {
                    if (refresh.getException() != null) {
                        LOG.debug(
                                "background revalidation of {} failed: {}",
                                request.key,
                                refresh.getException().getMessage());
                    }
                    unitOfWork.done(refresh);
                },
                request.key,
                stored.headOnly,
                CacheControl.NONE);
        revalidation.sharedEpoch = cache.storeEpoch();
        try {
            cache.forward(revalidation, stored, "stale", true);
        } catch (RuntimeException e) {
            cache.flights().land(request.key);
            LOG.debug("background revalidation of {} could not start: {}", request.key, e.getMessage());
        }
    }
}
