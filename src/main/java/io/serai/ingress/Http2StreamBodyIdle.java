package io.serai.ingress;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * {@code serai.client.idle-timeout} between the pieces of an HTTP/2 request body, as HTTP/1.1 has it: a
 * stream whose body stops coming for that long is reset (the backend never sees the partial request as
 * whole), unless Serai itself holds reading back (a body waiting for its backend). A piece of the response
 * written to the client counts as activity too (as Envoy's stream idle timeout counts both ways), so a
 * bidirectional gRPC call whose client sends once and then listens is not cut while answers flow. One timer
 * a stream, checked against the time of the last piece rather than re-armed for each.
 */
final class Http2StreamBodyIdle extends ChannelDuplexHandler {

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

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (timer != null && msg instanceof HttpContent) {
            lastRead = System.nanoTime();
        }
        ctx.write(msg, promise);
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
