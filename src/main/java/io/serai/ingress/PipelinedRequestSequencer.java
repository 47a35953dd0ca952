package io.serai.ingress;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.serai.http.ClientRequest;

import java.util.ArrayDeque;

/**
 * Hands the routes one request of a connection at a time. Routes answer asynchronously, so two
 * pipelined requests could otherwise be answered out of order (RFC 9112 section 9.3.2 requires
 * request order). Further requests wait here, at most {@link #MAX_QUEUED}, with reading paused.
 */
final class PipelinedRequestSequencer extends ChannelDuplexHandler {

    static final int MAX_QUEUED = 16;

    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private boolean inFlight;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!inFlight) {
            inFlight = true;
            ctx.fireChannelRead(msg);
            return;
        }
        if (waiting.size() >= MAX_QUEUED) {
            ClientRequest.discard(msg);
            ctx.close();
            return;
        }
        waiting.add(msg);
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // An interim 1xx response is not the answer to the request in flight.
        boolean last = msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse response
                        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
        ctx.write(msg, promise);
        if (last) {
            promise.addListener(f -> ctx.executor().execute(() -> next(ctx)));
        }
    }

    private void next(ChannelHandlerContext ctx) {
        Object queued = waiting.poll();
        if (queued == null) {
            inFlight = false;
            if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        if (!ctx.channel().isActive()) {
            ClientRequest.discard(queued);
            releaseAll();
            return;
        }
        ctx.fireChannelRead(queued);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseAll();
        super.channelInactive(ctx);
    }

    private void releaseAll() {
        Object queued;
        while ((queued = waiting.poll()) != null) {
            ClientRequest.discard(queued);
        }
    }
}
