package io.serai.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * {@code serai.client.idle-timeout} between the pieces of an HTTP/2 request body, as HTTP/1.1 has it: a
 * stream whose body stops coming for that long is reset (the backend never sees the partial request as
 * whole), unless Serai itself holds reading back (a body waiting for its backend). One timer a stream,
 * checked against the time of the last piece rather than re-armed for each.
 */
final class Http2StreamBodyIdle extends ChannelInboundHandlerAdapter {

    private final long idleNanos;
    private long lastRead;
    private ScheduledFuture<?> timer;

    Http2StreamBodyIdle(long idleMillis) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LastHttpContent) {
            cancel();
        } else if (msg instanceof HttpRequest || msg instanceof HttpContent) {
            lastRead = System.nanoTime();
            if (timer == null && idleNanos > 0) {
                timer = ctx.executor().schedule(() -> check(ctx), idleNanos, TimeUnit.NANOSECONDS);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void check(ChannelHandlerContext ctx) {
        long quiet = System.nanoTime() - lastRead;
        if (quiet >= idleNanos && ctx.channel().config().isAutoRead()) {
            timer = null;
            ctx.close();
            return;
        }
        long wait = ctx.channel().config().isAutoRead() ? idleNanos - quiet : idleNanos;
        timer = ctx.executor().schedule(() -> check(ctx), wait, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }
}
